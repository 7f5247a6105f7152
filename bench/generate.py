#!/usr/bin/env python3
"""Write a synthetic learning community for benchmarks.

    python bench/generate.py OUT --questions N [--seed S] [--force]

OUT receives `site.yaml` and `content/` laid out as /work/shared/CONTENT-MODEL.md describes:
members, ISO weeks with questions, answers and curated solutions, the fund ledger, events, an
about page and a book. The output is a pure function of N and the seed (same bytes every run,
whatever the machine or the hash seed); only the standard library is used, and files are
streamed out week by week so N = 100,000 fits in modest memory.

Shape (per question, about 5.9 KB of Markdown and YAML for the question, its answers and its
solution): 2-6 answers, a solution for ~90% of questions, 2-4 tags out of ~200, text in
Traditional Chinese, Simplified Chinese or English depending on who writes it. Members:
max(30, N // 8). Weeks: ~5 questions each (3-7), consecutive ISO weeks from 2015-W01, or earlier
so that the last week is no later than 2026-W47 (earliest 1985-W01; past that, more questions per
week). See bench/README.md.
"""

from __future__ import annotations

import argparse
import bisect
import datetime as dt
import json
import math
import os
import random
import re
import shutil
import string
import sys
import time

TODAY = dt.date(2026, 11, 24)  # no date in the archive is later than this
LAST_WEEK = (2026, 47)
DEFAULT_FIRST_WEEK = (2015, 1)
EARLIEST_WEEK = (1985, 1)
QUESTIONS_PER_WEEK = 5
ENTRY_FEE = 200
OPERATIONS_FEE = 30
STIPEND_PER_DUTY_WEEK = 100
ROTA_SIZE = 8
BASE_URL = "https://bench.example.org/"

# --------------------------------------------------------------------------------------------
# Vocabularies. Traditional Chinese (Taiwan usage) and English are written here; Simplified
# Chinese is derived from the Traditional text with the phrase and character tables below
# (made once with OpenCC's tw2sp and checked by hand), plus a few lists of its own.
# --------------------------------------------------------------------------------------------

# (Traditional, English) pairs: the English word also feeds question slugs.
NOUNS = [
    ("社群", "community"), ("新人", "newcomers"), ("成員", "members"), ("內容", "content"),
    ("數據", "data"), ("指標", "metrics"), ("活動", "events"), ("流程", "workflow"),
    ("工具", "tooling"), ("文件", "documents"), ("知識庫", "knowledge base"), ("用戶", "users"),
    ("團隊", "team"), ("專案", "project"), ("產品", "product"), ("需求", "requirements"),
    ("預算", "budget"), ("週報", "weekly report"), ("回饋", "feedback"), ("門檻", "threshold"),
    ("規則", "rules"), ("獎勵", "rewards"), ("留存率", "retention rate"),
    ("轉化率", "conversion rate"), ("報名表", "signup form"), ("問卷", "survey"),
    ("講座", "talk"), ("分享會", "sharing session"), ("讀書會", "reading group"),
    ("直播", "livestream"), ("課程", "course"), ("作業", "assignments"), ("面試", "interviews"),
    ("履歷", "resume"), ("職涯", "career"), ("副業", "side project"), ("合夥人", "partners"),
    ("客戶", "clients"), ("模型", "model"), ("程式碼", "code"), ("資料庫", "database"),
    ("伺服器", "server"), ("介面", "interface"), ("測試", "tests"), ("部署", "deployment"),
    ("版本", "release"), ("標籤", "tags"), ("搜尋", "search"), ("分類", "categories"),
    ("索引", "index"), ("模板", "template"), ("清單", "checklist"), ("看板", "kanban board"),
    ("里程碑", "milestones"), ("複盤", "retrospective"), ("例會", "regular meeting"),
    ("共識", "consensus"), ("信任", "trust"), ("品牌", "brand"), ("口碑", "reputation"),
    ("曝光", "exposure"), ("渠道", "channels"), ("定價", "pricing"), ("會員", "membership"),
    ("權益", "benefits"), ("基金", "fund"), ("發票", "invoices"), ("財務", "finances"),
    ("合約", "contract"), ("隱私", "privacy"), ("權限", "permissions"), ("帳號", "accounts"),
    ("備份", "backups"), ("自動化", "automation"), ("腳本", "scripts"), ("表格", "spreadsheet"),
    ("報表", "reports"), ("儀表板", "dashboard"), ("節奏", "cadence"), ("目標", "goals"),
    ("計畫", "plan"), ("方法", "method"), ("框架", "framework"), ("案例", "case study"),
    ("經驗", "lessons"), ("風險", "risks"), ("成本", "costs"), ("效率", "efficiency"),
    ("品質", "quality"), ("體驗", "user experience"), ("設計", "design"), ("原型", "prototype"),
    ("訪談", "user interviews"), ("調研", "research"), ("假設", "hypothesis"),
    ("實驗", "experiment"), ("樣本", "sample"), ("結論", "conclusions"), ("建議", "advice"),
    ("群管", "moderators"), ("值班表", "duty roster"), ("主持人", "host"),
    ("嘉賓", "guest speakers"), ("志願者", "volunteers"), ("講師", "instructors"),
    ("導師", "mentors"), ("新人手冊", "onboarding guide"), ("歡迎詞", "welcome message"),
    ("自我介紹", "introductions"), ("破冰", "icebreaker"), ("話題", "topics"),
    ("討論串", "threads"), ("精華帖", "featured posts"), ("公告", "announcements"),
    ("群規", "group rules"), ("爭議", "disputes"), ("投票", "vote"), ("排行榜", "leaderboard"),
    ("積分", "points"), ("徽章", "badges"), ("打賞", "tips"), ("獎金", "prize money"),
    ("招聘", "hiring"), ("求職", "job search"), ("人脈", "network"), ("合作", "collaboration"),
    ("贊助", "sponsorship"), ("場地", "venue"), ("報名", "registration"), ("簽到", "check-in"),
    ("照片", "photos"), ("紀錄", "records"), ("時間線", "timeline"), ("週會", "weekly meeting"),
    ("月報", "monthly report"), ("年度總結", "annual review"), ("留言", "comments"),
    ("私訊", "direct messages"), ("通知", "notifications"), ("提醒", "reminders"),
    ("郵件", "email"), ("電子報", "newsletter"), ("網站", "website"), ("頁面", "pages"),
    ("連結", "links"), ("圖表", "charts"), ("漏斗", "funnel"), ("分群", "segments"),
    ("畫像", "personas"), ("標準", "standards"), ("規範", "guidelines"), ("待辦", "to-do list"),
]

VERBS = [
    ("整理", "organize"), ("拆解", "break down"), ("梳理", "map out"), ("優化", "optimize"),
    ("追蹤", "track"), ("分析", "analyze"), ("設計", "design"), ("推動", "drive"),
    ("建立", "build"), ("調整", "adjust"), ("驗證", "validate"), ("評估", "evaluate"),
    ("記錄", "record"), ("分享", "share"), ("複盤", "review"), ("收集", "collect"),
    ("篩選", "filter"), ("比較", "compare"), ("統計", "count"), ("改寫", "rewrite"),
    ("補充", "extend"), ("規劃", "plan"), ("安排", "schedule"), ("協調", "coordinate"),
    ("確認", "confirm"), ("測試", "test"), ("監控", "monitor"), ("歸檔", "archive"),
    ("標註", "annotate"), ("匯總", "summarize"), ("拆分", "split"), ("簡化", "simplify"),
    ("量化", "quantify"), ("對齊", "align"), ("同步", "sync"), ("發布", "publish"),
    ("審核", "moderate"), ("邀請", "invite"), ("引導", "guide"), ("激勵", "motivate"),
    ("培養", "nurture"), ("更新", "update"), ("清理", "clean up"), ("重構", "refactor"),
    ("落地", "roll out"), ("迭代", "iterate on"), ("提煉", "distill"), ("沉澱", "consolidate"),
    ("推廣", "promote"), ("維護", "maintain"),
]

ADJS = [
    ("清晰", "clear"), ("可執行", "actionable"), ("穩定", "stable"), ("低成本", "low-cost"),
    ("高頻", "frequent"), ("關鍵", "key"), ("長期", "long-term"), ("短期", "short-term"),
    ("具體", "concrete"), ("透明", "transparent"), ("公開", "public"), ("可複用", "reusable"),
    ("標準化", "standardized"), ("輕量", "lightweight"), ("核心", "core"), ("常見", "common"),
    ("完整", "complete"), ("簡單", "simple"), ("有效", "effective"), ("靈活", "flexible"),
    ("可量化", "measurable"), ("一致", "consistent"), ("自動", "automatic"), ("手動", "manual"),
    ("線上", "online"), ("線下", "offline"), ("付費", "paid"), ("友善", "friendly"),
]

ADVS = ["先", "逐步", "定期", "優先", "同時", "及時", "持續", "主動", "集中", "分批", "盡量",
        "每週", "每天", "提前", "統一", "認真"]
ADVS_EN = ["first", "gradually", "regularly", "usually", "always", "also", "proactively",
           "carefully", "quickly", "now"]
ADVS_POST_EN = ["step by step", "in batches", "in advance", "every week", "every month",
                "on a schedule", "together", "early", "for now"]

SUBJECTS = ["我們", "我", "群管", "新成員", "老成員", "團隊", "負責人", "志願者", "講師", "主持人",
            "產品經理", "工程師", "大家", "幾位群友"]
SUBJECTS_EN = ["we", "I", "the moderators", "new members", "veteran members", "volunteers",
               "the engineers", "most teams", "our hosts", "the organizers"]

CONNECTORS = ["因為這樣", "所以", "但是", "另外", "此外", "換句話說", "舉例來說", "結果", "於是",
              "不過", "其實", "一般來說", "事實上", "總之", "首先", "其次", "接著", "說到底"]
CONNECTORS_EN = ["because of that", "so", "however", "in practice", "for example",
                 "as a result", "honestly", "in general", "in short", "first", "then", "next",
                 "meanwhile", "on top of that"]

# (Traditional, English singular, English plural)
UNITS = [("天", "day", "days"), ("週", "week", "weeks"), ("個月", "month", "months"),
         ("小時", "hour", "hours"), ("次", "time", "times"), ("個晚上", "evening", "evenings")]
EVERY_UNITS = [("週", "week"), ("月", "month"), ("天", "day"), ("兩週", "two weeks")]

TOOLS = ["Notion", "Excel", "Google Sheets", "Python", "SQL", "Airtable", "Slack", "Discord",
         "GitHub", "Figma", "Trello", "Obsidian", "Zapier", "Metabase", "Jupyter", "LINE",
         "Telegram", "WeChat", "Markdown", "Miro"]

TEMPLATES = [
    "{S}{A}{V}{J}的{N}，再{V2}{N2}。",
    "{C}，{N}的{N2}還不夠{J}，需要{A}{V}。",
    "在{N}這件事上，{S}花了{X}來{V}{N2}。",
    "{N}和{N2}都是{J}的{N3}，建議{A}{V}。",
    "我們用{T}來{V}{N}，{N2}提升了{P}。",
    "{C}，{S}會先{V}{N}，然後{V2}{N2}。",
    "如果{N}不夠{J}，{N2}就很難{V}。",
    "過去{X}裡，{N}的{N2}從{P1}變成{P2}。",
    "{S}認為{J}的{N}比{N2}更重要。",
    "固定每{U}{V}一次{N}，這樣{N2}會更{J}。",
    "關於{N}，{S}的做法是{A}{V}{N2}，並且{V2}{N3}。",
    "{N}的問題通常出在{N2}，而不是{N3}。",
    "我們把{N}拆成{K}個{N2}，每個都有{J}的{N3}。",
    "這個{N}在{T}裡只要{X}就能{V}完。",
    "{S}在{N}上投入了{X}，換來{J}的{N2}。",
    "{C}，{N}需要有人{A}{V}，不然{N2}會越來越亂。",
]
TEMPLATES_EN = [
    "{S} {A} {V} the {J} {N}, then {V2} the {N2}.",
    "{C}, the {N2} of the {N} is not {J} enough, so {S} need to {V} the {N3} {AP}.",
    "On the {N}, {S} spent {X} to {V} the {N2}.",
    "The {N} and the {N2} are both {J} parts of the {N3}; {V} both {AP}.",
    "We use {T} to {V} the {N}, and the {N2} improved by {P}.",
    "{C}, {S} {V} the {N} first and {V2} the {N2} after that.",
    "If the {N} is not {J}, it is hard to {V} the {N2}.",
    "Over the past {X}, the {N2} of the {N} went from {P1} to {P2}.",
    "{S} think the {J} {N} matters more than the {N2}.",
    "Once every {U}, we {V} the {N} so the {N2} stays {J}.",
    "For the {N}, our approach is to {V} the {N2} and {V2} the {N3} {AP}.",
    "Problems with the {N} usually come from the {N2}, not the {N3}.",
    "We split the {N} into {K} parts, each with its own {J} {N2}.",
    "In {T} this {N} takes about {X} to {V}.",
    "{S} invested {X} in the {N}, and the {N2} became {J}.",
    "{C}, someone has to {V} the {N} {AP}, or the {N2} gets messy.",
]

TITLES = [
    "如何{V}{J}的{N}？", "{N}的{N2}該怎麼{V}？", "有沒有{J}的{N}做法可以參考？",
    "{N}遇到{N2}的問題，要怎麼{V}？", "想{V}{N}，應該從哪裡開始？", "{J}的{N}要怎麼{V}才到位？",
    "用{T}{V}{N}，有什麼坑？", "{N}和{N2}衝突時，優先{V}哪個？",
]
TITLES_EN = [
    "How should we {V} the {J} {N}?", "What is a good way to {V} the {N2} of the {N}?",
    "Any examples of {J} {N} setups?", "Our {N} keeps running into {N2} problems: how do we {V} the {N3}?",
    "Where to start if we want to {V} the {N}?", "How do we {V} the {N} properly?",
    "Pitfalls when using {T} to {V} the {N}?",
    "When the {N} conflicts with the {N2}, which do we {V} first?",
]
REQUESTS = ["希望得到{J}的{N}方案。", "想知道{N}要怎麼{V}。", "有沒有{N}的範例可以參考？",
            "如何衡量{N}的效果？", "需要一份{J}的{N}清單。", "想聽聽大家{V}{N}的經驗。",
            "{N}和{N2}哪個該先{V}？"]
REQUESTS_EN = ["A {J} plan for the {N}.", "How to {V} the {N}.",
               "Examples of the {N} we could reuse.", "How to measure the effect of the {N}.",
               "A {J} checklist for the {N}.", "How others {V} their {N}.",
               "Which comes first: the {N} or the {N2}?"]
KEYPOINTS = ["{J}的{N}比{N2}更重要。", "先{V}{N}，再談{N2}。", "{N}要有人負責{V}。",
             "用{T}{V}{N}，每週能省下不少時間。", "{N}的{N2}要{A}{V}。", "不要一開始就{V}{N}。"]
KEYPOINTS_EN = ["A {J} {N} matters more than the {N2}.", "{V} the {N} before the {N2}.",
                "Someone must own the {N}.", "Using {T} for the {N} saves time every week.",
                "{V} the {N2} of the {N} {AP}.", "Do not {V} the {N} on day one."]
REFNOTES = ["重點在{V}{N}。", "補充了{N}的{J}做法。", "用{T}{V}{N2}。", "提供了{N}的數據。"]
REFNOTES_EN = ["focuses on how to {V} the {N}.", "adds a {J} take on the {N}.",
               "uses {T} to {V} the {N2}.", "brings data on the {N}."]

HEADINGS = {
    "hant": {"bg": "背景", "req": "訴求", "method": "方法與思路", "result": "結果",
             "summary": "問題摘要", "solution": "解決方案", "points": "關鍵要點",
             "refs": "參考回答", "recap": "活動回顧", "about": "關於我們"},
    "en": {"bg": "Background", "req": "Request", "method": "Method and reasoning",
           "result": "Result", "summary": "Summary", "solution": "Solution",
           "points": "Key points", "refs": "Reference answers", "recap": "Recap",
           "about": "About us"},
}
ORDINALS = ["一", "二", "三", "四", "五", "六", "七", "八"]
LINKS = {
    "q": ["類似的情況可以參考[先前的討論](q:{x})。", "這題延續了[之前那一題](q:{x})。"],
    "m": ["感謝[{y}](m:{x})的補充。", "[{y}](m:{x})分享的做法很值得參考。"],
    "w": ["這個主題在[{x}](w:{x})也討論過。"],
    "t": ["更多內容見標籤[{x}](t:{x})。"],
}
LINKS_EN = {
    "q": ["See also [an earlier discussion](q:{x}).", "This follows up on [an earlier question](q:{x})."],
    "m": ["Thanks to [{y}](m:{x}) for the notes.", "[{y}](m:{x}) shared a useful approach."],
    "w": ["The topic also came up in [{x}](w:{x})."],
    "t": ["More under the tag [{x}](t:{x})."],
}
TABLE_HEAD = ["指標", "調整前", "調整後"]
TABLE_HEAD_EN = ["Metric", "Before", "After"]

TAGS_HANT = """冷啟動 新人引導 留存 活躍度 內容運營 知識管理 激勵機制 獎勵基金 群管 分工 線下活動 定價
付費社群 數據分析 社群規範 衝突處理 品牌 增長 工具 招聘 求職 轉行 職涯規劃 面試 履歷 副業 創業 融資
產品設計 使用者研究 使用者體驗 介面設計 前端 後端 資料庫 雲端 資安 隱私 自動化 測試 部署 版本控制
程式設計 機器學習 大型語言模型 提示工程 資料視覺化 統計 實驗設計 指標體系 專案管理 敏捷開發 時間管理
溝通 簡報 寫作 翻譯 閱讀 讀書會 課程設計 教學 線上課程 直播 短影音 行銷 電子報 社群媒體 口碑 客戶服務
銷售 談判 財務 記帳 報稅 法律 合約 開源 志工 非營利 活動策劃 場地 贊助 合作夥伴 會員制度 積分 徽章
排行榜 打賞 週報 複盤 文件 知識庫 搜尋 標籤體系 分類 歸檔 模板 清單 看板 遠端工作 團隊文化 領導力
回饋 心理安全 倦怠 健康 學習方法 筆記""".split()
# Mainland terms, written in Traditional characters here and converted like the rest.
TAGS_HANS_SRC = """私域運營 流量 裂變 轉化 用戶畫像 埋點 漏斗分析 內容分發 拉新 促活 召回 復購 社群變現
知識付費 訓練營 打卡 直播帶貨 短視頻 公眾號 小程序 企業微信 飛書 釘釘 項目管理 產品經理 數據中台
增長黑客 運營策略 活動運營 用戶運營 內容營銷 品牌建設 團隊管理 績效考核 職場溝通 跳槽 考研 考公
留學 副業變現 個人品牌 自媒體 寫作變現 讀書筆記""".split()
TAGS_EN = """SOP Notion growth onboarding retention community Python SQL Excel AI LLM OKR KPI ux ui
saas b2b devops git docker seo newsletter podcast remote career hiring mentoring design product
data analytics automation research writing public-speaking leadership feedback open-source
no-code Figma Slack Discord GitHub agile scrum""".split()

THEMES = """社群冷啟動 新人引導 活躍度與留存 內容運營與知識沉澱 激勵機制與獎勵基金 群管輪值與分工 線下活動策劃
付費社群與定價 數據指標與KPI 衝突處理與社群規範 知識庫與檔案 社群品牌與增長 求職與面試 職涯轉換
副業與個人品牌 產品思維 使用者研究 資料分析入門 自動化工具 寫作與表達 簡報技巧 專案管理 遠端協作 團隊文化
領導力 時間管理 學習方法 閱讀與筆記 開源參與 創業經驗 財務與記帳 法律常識 健康與倦怠 年度複盤 目標設定
溝通與回饋 課程設計 直播與短影音 電子報經營""".split()
THEMES_EN = ["Cold start", "Onboarding newcomers", "Retention and activity",
             "Content and the knowledge base", "Incentives and the award fund", "The moderator rota",
             "Offline events", "Pricing a paid community", "Metrics and KPIs",
             "Conflict and community rules", "Career change", "Interviews and hiring",
             "Side projects", "Product thinking", "User research", "Data analysis basics",
             "Automation tools", "AI tools in practice", "Writing and presenting",
             "Remote collaboration"]

POSITIONS = """社群經理 產品經理 資料分析師 後端工程師 前端工程師 設計師 運營專員 行銷主管 人資專員 創辦人 講師 顧問
研究生 專案經理 客服主管 內容編輯 業務經理 財務分析師 測試工程師 架構師""".split()
POSITIONS_EN = ["Community Manager", "Product Manager", "Data Analyst", "Backend Engineer",
                "Frontend Engineer", "Designer", "Operations Specialist", "Marketing Lead",
                "HR Specialist", "Founder", "Instructor", "Consultant", "Graduate Student",
                "Project Manager", "Support Lead", "Content Editor", "Sales Manager",
                "Financial Analyst", "QA Engineer", "Architect"]
INDUSTRIES = "網路 教育 金融 製造 零售 醫療 遊戲 媒體 顧問 政府 非營利 電商 半導體 物流 旅遊 餐飲 房地產 法律 能源 生技".split()
INDUSTRIES_EN = ["Internet", "Education", "Finance", "Manufacturing", "Retail", "Healthcare",
                 "Gaming", "Media", "Consulting", "Government", "Nonprofit", "E-commerce",
                 "Semiconductors", "Logistics", "Travel", "Food and beverage", "Real estate",
                 "Legal", "Energy", "Biotech"]
EXPERTISE = """社群運營 內容策劃 數據分析 活動策劃 產品設計 使用者研究 專案管理 後端開發 前端開發 資料工程 機器學習
行銷企劃 品牌設計 文案寫作 簡報設計 招聘 培訓 財務規劃 法務 客戶成功""".split()
EXPERTISE_EN = ["community ops", "content strategy", "data analysis", "event planning",
                "product design", "user research", "project management", "backend development",
                "frontend development", "data engineering", "machine learning", "marketing",
                "brand design", "copywriting", "presentation design", "recruiting", "training",
                "financial planning", "legal", "customer success"]
NEEDS = "求職 招聘 找合夥人 學習運營 拓展人脈 轉行 找導師 練習寫作 找專案合作 提升簡報能力 了解AI工具 創業交流".split()
NEEDS_EN = ["job search", "hiring", "finding a co-founder", "learning community ops",
            "networking", "career change", "finding a mentor", "writing practice",
            "project collaboration", "presentation skills", "learning AI tools",
            "talking to founders"]
HOBBIES = "爬山 攝影 跑步 咖啡 桌遊 閱讀 電影 旅行 烹飪 瑜伽 游泳 騎單車 露營 吉他 繪畫 寫作 羽球 籃球 手沖咖啡 品茶 烘焙".split()
HOBBIES_EN = ["hiking", "photography", "running", "coffee", "board games", "reading",
              "movies", "travel", "cooking", "yoga", "swimming", "cycling", "camping", "guitar",
              "drawing", "writing", "badminton", "basketball", "baking", "tea"]
BIOS = ["在{I}做{P}，最近在研究{E}。", "擅長{E}，希望在這裡{D}。", "{P}，喜歡{H}。",
        "做了幾年{E}，目前的目標是{D}。", "平常愛{H}，週末常參加線下活動。"]
BIOS_EN = ["{P} in {I}, currently digging into {E}.", "Good at {E}; here for {D}.",
           "{P}. Likes {H}.", "A few years of {E}; next goal: {D}.",
           "Into {H}; shows up at most offline events."]

# Names (private) and nicknames (public).
SURNAMES = "陳 林 黃 張 李 王 吳 劉 蔡 楊 許 鄭 謝 郭 洪 曾 邱 廖 賴 周 徐 蘇 葉 莊 呂 江 何 蕭 羅 高".split()
SURNAMES_HANS = "陈 林 黄 张 李 王 吴 刘 蔡 杨 许 郑 谢 郭 洪 曾 邱 廖 赖 周 徐 苏 叶 庄 吕 江 何 萧 罗 高".split()
GIVEN = """雅婷 怡君 志豪 家豪 俊傑 冠宇 宗翰 承恩 佳穎 詩涵 欣怡 婉婷 思妤 柏翰 彥廷 冠廷 宇翔 子涵 品妤 郁婷
建宏 志明 淑芬 美玲 佩瑜 雨婷 明哲 國維 浩然 嘉玲 筱涵 育誠 冠霖 奕辰 昱廷 芷晴 羽彤 文傑 怡萱 家瑋 信宏 宛儒
雅雯 偉倫 俊宏 惠雯 慧君 書瑋 哲瑋 玉珍""".split()
GIVEN_HANS = """子轩 浩宇 梓涵 欣怡 雨泽 一诺 俊杰 思远 晓明 丽华 建国 海燕 文静 志强 晨曦 佳琪 婧怡 宇航 梦琪 嘉欣
子墨 浩然 诗雨 俊熙 若曦 明轩 雅琴 凯文 晓峰 雪梅 志刚 红霞 天宇 欣妍 博文 晓东 静怡 伟 磊 芳""".split()
NICK_SUFFIX = ["哥", "姐", "大", "仔"]
FIRST_EN = """Linda Kevin Tom Sophia Amy Jason Eric Grace Irene Jack Vivian Leo Nina Oscar Peter Ruby Sam
Tina Victor Wendy Alice Brian Cindy Daniel Emma Frank Helen Ivan Joyce Karen Lucas Mia Nathan Olivia
Paul Queenie Ryan Sandy Terry Ursula Vince Yvonne Zoe Adrian Bella Chris Derek Ella Felix Gina""".split()
LAST_EN = """Chen Lin Wang Lee Chang Huang Wu Liu Tsai Yang Hsu Cheng Smith Brown Tan Ng Wong Lim Ho Kuo""".split()
SYLLABLES = """xiao mei jie chen wang fang da wei lei hao ran pei yu yi jun zhi guo hua ting ming zhe qing long
ling bai lao a jia hui li na tao kai xin yan hong bo feng yun shan lan zi han rui chun jing wen qi""".split()
CITIES = "台北 新北 台中 台南 高雄 新竹 桃園 香港 上海 北京 深圳 杭州 成都 新加坡".split()
CITIES_EN = ["Taipei", "Hsinchu", "Taichung", "Kaohsiung", "Hong Kong", "Shanghai", "Shenzhen",
             "Singapore"]
VENUES = ["共創空間", "咖啡館二樓", "社區大學教室", "圖書館研討室", "共享辦公室", "書店講堂"]
VENUES_EN = ["coworking space", "cafe upstairs room", "library seminar room", "community hall"]
COMPANY_PREFIX = "遠景 聚星 藍海 雲帆 星河 晨曦 青禾 格物 匯智 思源 拓維 啟明 曜石 極光 山海 築夢 恆新 凌雲 知行 和光".split()
COMPANY_KIND = ["數位科技股份有限公司", "資訊股份有限公司", "顧問有限公司", "教育科技有限公司",
                "設計工作室", "行銷有限公司", "生技股份有限公司", "網路科技有限公司"]
COMPANY_EN = ["Northwind", "Bluepeak", "Cedarline", "Lumenfield", "Harborlight", "Quillworks",
              "Orchidway", "Vantagepoint", "Kestrel", "Meridian"]
COMPANY_KIND_EN = ["Labs", "Systems", "Partners", "Studio", "Analytics", "Consulting", "Learning"]
EVENT_TITLES = ["{C}線下聚會", "{M}工作坊", "年度複盤大會", "讀書會：{N}", "{C}見面會", "{M}分享夜"]
EVENT_TITLES_EN = ["{C} meetup", "{M} workshop", "Annual review night", "Reading group: {N}",
                   "{C} get-together"]
EVENT_SLUGS = ["meetup", "workshop", "annual-review", "book-club", "get-together", "sharing-night"]
ABOUT_TITLE = "關於學習社群基準"
SITE_TITLE = "學習社群基準檔案"

# Traditional -> Simplified. Phrases first (mainland wording), then characters.
T2S_PHRASES = [
    ("網路科技", "网络科技"), ("接著", "接着"), ("搜尋", "搜索"), ("計畫", "计划"),
    ("連結", "链接"), ("遠端", "远程"), ("視覺化", "可视化"), ("資訊", "信息"), ("數位", "数字"),
    ("回饋", "反馈"), ("程式碼", "代码"), ("程式設計", "程序设计"), ("資料庫", "数据库"), ("資料", "数据"),
    ("伺服器", "服务器"), ("介面", "界面"), ("專案", "项目"), ("品質", "质量"),
    ("使用者", "用户"), ("帳號", "账号"), ("影音", "视频"), ("網路", "互联网"), ("騎單車", "骑自行车"),
    ("部落格", "博客"), ("軟體", "软件"), ("訊息", "消息"), ("預設", "默认"), ("雲端", "云"),
    ("資安", "信息安全"), ("行銷", "营销"), ("簡報", "演示"), ("週", "周"), ("羽球", "羽毛球"),
]
T2S_CHARS = (
    "並并亂乱來来個个們们倫伦偉伟傑杰備备價价儀仪優优內内兩两冊册則则創创劃划劉刘動动務务勵励匯汇區区協协參参吳吴呂吕員员問问啟启單单國国園园圖图團团執执報报場场夠够"
    "夢梦夥伙學学實实審审寫写專专尋寻對对導导師师帳帐帶带幾几庫库廣广張张彥彦後后從从復复恆恒愛爱應应戲戏戶户換换據据攝摄數数於于時时書书會会楊杨業业極极構构樓楼標标"
    "樣样機机檔档檻槛權权歡欢歷历歸归決决沒没沖冲況况測测準准溝沟澱淀為为煉炼營营爭争獎奖現现瑋玮產产畫画療疗發发盡尽監监盤盘眾众確确碼码稅税積积穎颖穩稳筆笔節节範范"
    "築筑篩筛簡简簽签籃篮籤签紀纪約约納纳紹绍結结統统經经維维網网線线編编練练總总績绩繪绘繳缴續续羅罗習习職职聽听脈脉腳脚與与舉举莊庄華华葉叶蕭萧藍蓝蘇苏處处號号衝冲"
    "補补裡里製制複复見见規规視视覺觉計计訊讯討讨訓训記记訪访設设許许訴诉註注評评詞词試试詩诗話话該该認认語语誠诚說说課课調调談谈請请論论講讲謝谢證证識识譯译議议護护"
    "讀读變变負负財财貨货責责費费資资賓宾賞赏質质賴赖購购贊赞蹤踪躍跃車车軟软較较輕轻輪轮輯辑輸输轉转辦办這这連连週周遊游運运過过達达遠远選选還还郵邮鄭郑醫医釘钉銷销"
    "錄录鍵键長长門门開开間间閱阅關关陳陈隊队險险隱隐難难雲云電电靈灵頁页項项預预領领頻频題题願愿類类顧顾風风飛飞飪饪飲饮養养館馆饋馈騎骑驗验體体麼么黃黄點点齊齐"
)  # pairs: Traditional, Simplified

# --------------------------------------------------------------------------------------------
# Small helpers
# --------------------------------------------------------------------------------------------

_T2S_TABLE: dict[int, str] = {}


def to_hans(s: str) -> str:
    for a, b in T2S_PHRASES:
        if a in s:
            s = s.replace(a, b)
    return s.translate(_T2S_TABLE)


_PLAIN = re.compile(r"[A-Za-z\u3400-\u9fff\uf900-\ufaff]"
                    r"[A-Za-z0-9 _.\-\u3400-\u9fff\uf900-\ufaff\u3001-\u303f\uff01-\uff5e]*")
_RESERVED = {"y", "n", "yes", "no", "on", "off", "true", "false", "null", "~"}


def ys(s: str) -> str:
    """A YAML scalar for a string: plain when that is unambiguous, else JSON-quoted (valid YAML)."""
    if (_PLAIN.fullmatch(s) and not s.endswith(" ") and s.lower() not in _RESERVED
            and "  " not in s):
        return s
    return json.dumps(s, ensure_ascii=False)


def yflow(items) -> str:
    return "[" + ", ".join(ys(x) for x in items) + "]"


def iso_week(d: dt.date) -> str:
    y, w, _ = d.isocalendar()
    return f"{y}-W{w:02d}"


def ensure_dir(p: str) -> None:
    os.makedirs(p, exist_ok=True)


class Writer:
    def __init__(self, root: str):
        self.root = root
        self.files = 0
        self.bytes = 0

    def write(self, rel: str, text: str) -> int:
        data = text.encode("utf-8")
        with open(os.path.join(self.root, rel), "wb") as f:
            f.write(data)
        self.files += 1
        self.bytes += len(data)
        return len(data)


# --------------------------------------------------------------------------------------------
# Languages
# --------------------------------------------------------------------------------------------

_FIELDS = re.compile(r"\{(\w+)\}")


class Lang:
    """Word lists and templates of one writing language, and a sentence maker."""

    def __init__(self, code: str, rng: random.Random):
        self.code = code
        self.rng = rng
        self.cjk = code != "en"
        if code == "en":
            self.nouns = [e for _, e in NOUNS]
            self.verbs = [e for _, e in VERBS]
            self.adjs = [e for _, e in ADJS]
            self.advs, self.advs_post = ADVS_EN, ADVS_POST_EN
            self.subjects, self.connectors = SUBJECTS_EN, CONNECTORS_EN
            self.templates, self.titles, self.requests = TEMPLATES_EN, TITLES_EN, REQUESTS_EN
            self.keypoints, self.refnotes, self.links = KEYPOINTS_EN, REFNOTES_EN, LINKS_EN
            self.headings = HEADINGS["en"]
            self.table_head = TABLE_HEAD_EN
            self.themes, self.positions, self.industries = THEMES_EN, POSITIONS_EN, INDUSTRIES_EN
            self.expertise, self.needs, self.hobbies = EXPERTISE_EN, NEEDS_EN, HOBBIES_EN
            self.bios, self.cities, self.venues = BIOS_EN, CITIES_EN, VENUES_EN
            self.event_titles = EVENT_TITLES_EN
        else:
            conv = to_hans if code == "hans" else (lambda s: s)
            c = lambda xs: [conv(x) for x in xs]  # noqa: E731
            self.nouns = c([t for t, _ in NOUNS])
            self.verbs = c([t for t, _ in VERBS])
            self.adjs = c([t for t, _ in ADJS])
            self.advs, self.advs_post = c(ADVS), [""]
            self.subjects, self.connectors = c(SUBJECTS), c(CONNECTORS)
            self.templates, self.titles, self.requests = c(TEMPLATES), c(TITLES), c(REQUESTS)
            self.keypoints, self.refnotes = c(KEYPOINTS), c(REFNOTES)
            self.links = {k: c(v) for k, v in LINKS.items()}
            self.headings = {k: conv(v) for k, v in HEADINGS["hant"].items()}
            self.table_head = c(TABLE_HEAD)
            self.themes, self.positions = c(THEMES), c(POSITIONS)
            self.industries, self.expertise = c(INDUSTRIES), c(EXPERTISE)
            self.needs, self.hobbies, self.bios = c(NEEDS), c(HOBBIES), c(BIOS)
            self.cities, self.venues, self.event_titles = c(CITIES), c(VENUES), c(EVENT_TITLES)
        self.units = ([(conv_u, s, p) for conv_u, s, p in
                       [((to_hans(t) if code == "hans" else t), s, p) for t, s, p in UNITS]])
        self.every = [((to_hans(t) if code == "hans" else t), e) for t, e in EVERY_UNITS]
        self.sep = "" if self.cjk else " "
        self._parsed: dict[str, tuple[str, ...]] = {}
        self.pools = {"V": self.verbs, "J": self.adjs, "A": self.advs, "AP": self.advs_post,
                      "S": self.subjects, "C": self.connectors, "T": TOOLS}

    def _fields(self, tpl: str) -> tuple[str, ...]:
        f = self._parsed.get(tpl)
        if f is None:
            f = self._parsed[tpl] = tuple(dict.fromkeys(_FIELDS.findall(tpl)))
        return f

    def fill(self, tpl: str, topic=None, topic_p: float = 0.3) -> str:
        """Fill a template's {N} {V} {J} … fields with random words (N from the topic at times)."""
        rnd = self.rng.random
        pools = self.pools
        nouns = self.nouns
        vals = {}
        for name in self._fields(tpl):
            k = name[0]
            if k == "N":
                if topic and rnd() < topic_p:
                    w = nouns[topic[int(rnd() * len(topic))]]
                else:
                    w = nouns[int(rnd() * len(nouns))]
                while w in vals.values():
                    w = nouns[int(rnd() * len(nouns))]
                vals[name] = w
            elif k == "X":
                u = self.units[int(rnd() * len(self.units))]
                n = 1 + int(rnd() * 12)
                vals[name] = f"{n}{u[0]}" if self.cjk else f"{n} {u[1] if n == 1 else u[2]}"
            elif k == "U":
                u = self.every[int(rnd() * len(self.every))]
                vals[name] = u[0] if self.cjk else u[1]
            elif k == "P":
                vals[name] = f"{3 + int(rnd() * 93)}%"
            elif k == "K":
                vals[name] = str(2 + int(rnd() * 5))
            else:
                lst = pools[name if name == "AP" else k]
                vals[name] = lst[int(rnd() * len(lst))]
        s = tpl.format_map(vals)
        if not self.cjk:
            s = s.replace("  ", " ").replace(" .", ".").replace(" ,", ",")
            s = s[0].upper() + s[1:]
        return s

    def sentence(self, topic=None) -> str:
        t = self.templates
        return self.fill(t[int(self.rng.random() * len(t))], topic)

    def para(self, lo: int, hi: int, topic=None) -> str:
        n = lo + int(self.rng.random() * (hi - lo + 1))
        return self.sep.join([self.sentence(topic) for _ in range(n)])


# --------------------------------------------------------------------------------------------
# The community
# --------------------------------------------------------------------------------------------


class Member:
    __slots__ = ("idx", "handle", "lang", "nickname", "roles", "joined", "entry", "visibility",
                 "weight", "challenge_week", "guest_week")

    def __init__(self, idx):
        self.idx = idx
        self.challenge_week = None
        self.guest_week = None


def plan_weeks(n: int, rng: random.Random):
    """Consecutive ISO weeks ending no later than LAST_WEEK, and how many questions each has."""
    last_monday = dt.date.fromisocalendar(*LAST_WEEK, 1)
    default_first = dt.date.fromisocalendar(*DEFAULT_FIRST_WEEK, 1)
    earliest = dt.date.fromisocalendar(*EARLIEST_WEEK, 1)
    fit_default = (last_monday - default_first).days // 7 + 1
    fit_earliest = (last_monday - earliest).days // 7 + 1
    count = max(1, round(n / QUESTIONS_PER_WEEK))
    if count <= fit_default:
        first = default_first
    elif count <= fit_earliest:
        first = last_monday - dt.timedelta(weeks=count - 1)
    else:
        count, first = fit_earliest, earliest
    count = min(count, n)
    mean = n / count
    lo = max(1, math.floor(mean * 0.6))
    hi = max(lo + 1, math.ceil(mean * 1.4))
    per = [rng.randint(lo, hi) for _ in range(count)]
    diff = n - sum(per)
    order = list(range(count))
    rng.shuffle(order)
    i = 0
    while diff:
        j = order[i % count]
        if diff > 0 and per[j] < hi:
            per[j] += 1
            diff -= 1
        elif diff < 0 and per[j] > lo:
            per[j] -= 1
            diff += 1
        i += 1
    mondays = [first + dt.timedelta(weeks=k) for k in range(count)]
    return mondays, per


class Generator:
    def __init__(self, out: str, n: int, seed: int):
        self.out = out
        self.n = n
        self.seed = seed
        self.rng = random.Random(seed)
        self.langs = {c: Lang(c, self.rng) for c in ("hant", "hans", "en")}
        self.w = Writer(out)
        self.qbytes = 0  # question + answers + solution bytes

    # ---------------------------------------------------------------- members
    def plan_members(self):
        rng = self.rng
        m = max(30, self.n // 8)
        self.mondays, self.per_week = plan_weeks(self.n, rng)
        W = len(self.mondays)
        start = self.mondays[0]
        last_session = self.mondays[-1] + dt.timedelta(days=5)
        members = [Member(i) for i in range(m)]
        n_mod = min(ROTA_SIZE, m)
        n_sup = 2 + m // 500
        n_con = max(2, m // 20)
        n_guest = max(1, m // 50)
        # handles and languages
        used_h, used_n = set(), set()
        for mb in members:
            mb.lang = "hant" if mb.idx == 0 else rng.choices(("hant", "hans", "en"), (60, 25, 15))[0]
            mb.handle = self._handle(mb, used_h)
            mb.nickname = self._nickname(mb, used_n)
            mb.weight = min(40.0, rng.paretovariate(1.3))
        # roles
        staff = n_mod + n_sup
        for mb in members:
            i = mb.idx
            if i == 0:
                mb.roles = ["founder", "moderator"]
            elif i < n_mod:
                mb.roles = ["moderator", "contributor"] if rng.random() < 0.3 else ["moderator"]
            elif i < staff:
                mb.roles = ["supervisor", "contributor"] if rng.random() < 0.4 else ["supervisor"]
            elif i < staff + n_con:
                mb.roles = ["contributor"]
            elif i >= m - n_guest:
                mb.roles = ["guest"]
            else:
                mb.roles = ["member"]
            if i < n_mod:
                mb.weight += 8.0
        self.rota = [mb.handle for mb in members[:n_mod]]
        # visibility: staff and guests are public; the others make up 15% members, 5% hidden
        others = [mb for mb in members[staff:m - n_guest]]
        for mb in members:
            mb.visibility = "public"
        pick = rng.sample(others, min(len(others), round(0.15 * m) + round(0.05 * m)))
        for k, mb in enumerate(pick):
            mb.visibility = "members" if k < round(0.15 * m) else "hidden"
        self._private_nicknames(members, used_n)
        # entry and joined
        regular = [mb for mb in members[staff:m - n_guest]]
        founding = set(range(staff)) | {mb.idx for mb in rng.sample(regular, max(4, len(regular) // 12))}
        n_chal = min(max(1, len(regular) // 12), max(0, (W - 1) // 2))
        chal_pool = [mb for mb in regular if mb.idx not in founding]
        chal = rng.sample(chal_pool, min(n_chal, len(chal_pool)))
        chal_weeks = rng.sample(range(1, W), len(chal)) if W > 1 else []
        for mb, wk in zip(chal, chal_weeks):
            mb.challenge_week = wk
        span = max(0, (last_session - dt.timedelta(days=3) - start).days)
        for mb in members:
            if "guest" in mb.roles:
                mb.entry, mb.joined = None, None
                mb.guest_week = rng.randrange(W)
                continue
            if mb.challenge_week is not None:
                mb.entry = "challenge"
                mb.joined = self.mondays[mb.challenge_week] + dt.timedelta(days=5)
                continue
            if mb.idx == 0:
                mb.entry = "invited"
            elif mb.idx < staff:
                mb.entry = "invited" if rng.random() < 0.5 else "fee"
            else:
                mb.entry = "invited" if rng.random() < 0.08 else "fee"
            if mb.idx in founding:
                mb.joined = start - dt.timedelta(days=rng.randint(7, 120) if mb.idx else 150)
            else:
                mb.joined = start + dt.timedelta(days=rng.randint(0, span))
        self.members = members
        self.by_handle = {mb.handle: mb for mb in members}
        self.guests = [mb for mb in members if "guest" in mb.roles]
        self.guests_by_week: dict[int, list[Member]] = {}
        for g in self.guests:
            for k in range(rng.randint(1, 3)):
                lst = self.guests_by_week.setdefault(min(W - 1, g.guest_week + k), [])
                if g not in lst:
                    lst.append(g)
        self.challengers = {mb.challenge_week: mb for mb in chal[:len(chal_weeks)]}
        # eligibility: members ordered by joined date; cumulative activity weights
        elig = sorted((mb for mb in members if mb.joined is not None), key=lambda x: (x.joined, x.idx))
        self.elig = elig
        self.elig_ord = [mb.joined.toordinal() for mb in elig]
        cum, tot = [], 0.0
        for mb in elig:
            tot += mb.weight
            cum.append(tot)
        self.elig_cum = cum
        self.public_members = [mb for mb in elig if mb.visibility == "public"]

    def _handle(self, mb: Member, used: set) -> str:
        rng = self.rng
        r = rng.random()
        if r < 0.15:
            h = f"m{mb.idx:05d}"
        elif mb.lang == "en":
            h = rng.choice(FIRST_EN).lower() + (rng.choice(string.ascii_lowercase) if rng.random() < 0.5 else "")
        else:
            h = rng.choice(SYLLABLES) + rng.choice(SYLLABLES)
            if rng.random() < 0.3:
                h += "-" + rng.choice(SYLLABLES)
        base, k = h, 2
        while h in used:
            h = f"{base}{k}"
            k += 1
        used.add(h)
        return h

    def _nickname(self, mb: Member, used: set) -> str:
        rng = self.rng
        L = self.langs[mb.lang]
        if mb.lang == "en":
            nick = rng.choice(FIRST_EN)
            if rng.random() < 0.3:
                nick += " " + rng.choice(LAST_EN)[0] + "."
        else:
            given = GIVEN if mb.lang == "hant" else GIVEN_HANS
            sur = SURNAMES if mb.lang == "hant" else SURNAMES_HANS
            g = rng.choice(given)
            r = rng.random()
            if r < 0.4:
                nick = g
            elif r < 0.6:
                nick = "小" + g[-1]
            elif r < 0.75:
                nick = "阿" + g[-1]
            elif r < 0.88:
                nick = "老" + rng.choice(sur)
            else:
                nick = g[-1] + rng.choice(NICK_SUFFIX)
        base, k = nick, 2
        while nick in used:
            city = rng.choice(L.cities)
            nick = f"{city}-{base}" if k < 6 else f"{base}{k}"
            k += 1
        used.add(nick)
        return nick

    def _private_nicknames(self, members, used: set) -> None:
        """A members-only nickname must not show up inside any public text (another member's
        nickname, the generated prose), nor a hidden one inside what members see: privacy scans
        of a build look for these strings. Rename the few that would."""
        rng = self.rng
        blob = "\n".join(self._vocab_strings())
        for level, seen_by in (("members", ("public",)), ("hidden", ("public", "members"))):
            subs = set()
            for mb in members:
                if mb.visibility in seen_by:
                    s = mb.nickname
                    subs.update(s[i:j] for i in range(len(s)) for j in range(i + 1, len(s) + 1))
            for mb in members:
                if mb.visibility != level:
                    continue
                base = mb.nickname
                if base not in subs and base not in blob:
                    continue
                used.discard(base)
                L = self.langs[mb.lang]
                while True:
                    nick = (f"{rng.choice(L.cities)}{base}{rng.randint(10, 99)}" if mb.lang != "en"
                            else f"{base}{rng.choice(LAST_EN)}{rng.randint(10, 99)}")
                    if nick not in used and nick not in subs and nick not in blob:
                        break
                used.add(nick)
                mb.nickname = nick

    @staticmethod
    def _vocab_strings():
        for name, v in globals().items():
            if name.isupper() and isinstance(v, (list, tuple)):
                for x in v:
                    for y in (x if isinstance(x, tuple) else (x,)):
                        if isinstance(y, str):
                            yield y
                            yield to_hans(y)
            elif name == "HEADINGS":
                for d in v.values():
                    yield from d.values()

    def pick(self, when: dt.date, exclude) -> Member | None:
        """An active member who has joined by `when`, not in `exclude` (weighted by activity)."""
        k = bisect.bisect_right(self.elig_ord, when.toordinal())
        if k == 0:
            return None
        rng = self.rng
        top = self.elig_cum[k - 1]
        for _ in range(30):
            i = bisect.bisect_right(self.elig_cum, rng.random() * top)
            mb = self.elig[min(i, k - 1)]
            if mb.handle not in exclude:
                return mb
        rest = [mb for mb in self.elig[:k] if mb.handle not in exclude]
        return rng.choice(rest) if rest else None

    def member_yaml(self, mb: Member) -> str:
        rng = self.rng
        L = self.langs[mb.lang]
        out = [f"nickname: {ys(mb.nickname)}"]
        if mb.lang == "en":
            name = f"{rng.choice(FIRST_EN)} {rng.choice(LAST_EN)}"
            while name == mb.nickname:
                name = f"{rng.choice(FIRST_EN)} {rng.choice(LAST_EN)}"
            companies = [f"{p} {k}" for p, k in ((rng.choice(COMPANY_EN), rng.choice(COMPANY_KIND_EN)) for _ in range(4))]
        else:
            sur = SURNAMES if mb.lang == "hant" else SURNAMES_HANS
            given = GIVEN if mb.lang == "hant" else GIVEN_HANS
            name = rng.choice(sur) + rng.choice(given)
            conv = to_hans if mb.lang == "hans" else (lambda s: s)
            companies = [conv(rng.choice(COMPANY_PREFIX) + rng.choice(COMPANY_KIND)) for _ in range(4)]
        out.append(f"name: {ys(name)}")
        if rng.random() < 0.9:
            out.append(f"company: {ys(companies[-1])}")
        local = "".join(rng.choice(string.ascii_lowercase) for _ in range(rng.randint(4, 8)))
        email = f"{local}{rng.randint(1, 99)}@{rng.choice(('example.com', 'example.net', 'example.org'))}"
        if rng.random() < 0.5:
            out.append(f"contact: {ys(email)}")
        else:
            out.append("contact:")
            out.append(f"  email: {ys(email)}")
            if rng.random() < 0.7:
                out.append(f"  phone: {ys('+886-9%02d-%03d-%03d' % (rng.randint(0, 99), rng.randint(0, 999), rng.randint(0, 999)))}")
            if rng.random() < 0.6:
                out.append(f"  wechat: {ys('wx_' + ''.join(rng.choice(string.ascii_lowercase + string.digits) for _ in range(8)))}")
        position = rng.choice(L.positions)
        out.append(f"position: {ys(position)}")
        industry = rng.choice(L.industries)
        out.append(f"industry: {ys(industry)}")
        end_year = (mb.joined or TODAY).year
        steps = rng.randint(2, 4)
        years = sorted(rng.sample(range(end_year - 14, end_year + 1), steps))
        out.append("career_path:")
        for k, y in enumerate(years):
            role = position if k == steps - 1 else rng.choice(L.positions)
            out.append(f"  - year: {y}")
            out.append(f"    role: {ys(role)}")
            if rng.random() < 0.85:
                out.append(f"    org: {ys(companies[k - steps])}")
        expertise = rng.sample(L.expertise, rng.randint(2, 5))
        needs = rng.sample(L.needs, rng.randint(1, 3))
        hobbies = rng.sample(L.hobbies, rng.randint(1, 4))
        out.append(f"expertise: {yflow(expertise)}")
        out.append(f"needs: {yflow(needs)}")
        out.append(f"hobbies: {yflow(hobbies)}")
        out.append(f"roles: {yflow(mb.roles)}")
        if mb.joined is not None:
            out.append(f"joined: {mb.joined.isoformat()}")
        if mb.entry is not None:
            out.append(f"entry: {mb.entry}")
        out.append(f"visibility: {mb.visibility}")
        bio = L.sep.join(
            L.bios[j].format(I=industry, P=position, E=expertise[0], D=needs[0], H=hobbies[0])
            for j in rng.sample(range(len(L.bios)), rng.randint(1, 3)))
        out.append(f"bio: {ys(bio)}")
        return "\n".join(out) + "\n"

    # ---------------------------------------------------------------- fund and events
    def plan_events(self):
        rng = self.rng
        W = len(self.mondays)
        self.events = []
        starts = list(range(min(4, W - 1), W, 10)) if W > 1 else [0]
        used_names = set()
        for base in starts:
            k = min(W - 1, max(0, base + rng.randint(-2, 2)))
            day = self.mondays[k] + dt.timedelta(days=rng.choice((5, 6)))
            if day > TODAY:
                day = self.mondays[k] + dt.timedelta(days=5)
            org_lang = self.by_handle[self.rota[k % len(self.rota)]].lang
            L = self.langs[org_lang]
            organizers = [self.rota[k % len(self.rota)]]
            for _ in range(rng.randint(0, 2)):
                mb = self.pick(day, set(organizers))
                if mb:
                    organizers.append(mb.handle)
            attendees = list(organizers)
            for _ in range(rng.randint(5, 30)):
                mb = self.pick(day, set(attendees))
                if mb:
                    attendees.append(mb.handle)
            attendees = attendees[len(organizers):]
            ci = rng.randrange(len(L.cities))
            theme = rng.choice(L.themes)
            noun = rng.choice(L.nouns)
            title = rng.choice(L.event_titles).format(C=L.cities[ci], M=theme, N=noun)
            slug = rng.choice(EVENT_SLUGS)
            name = f"{day.isoformat()}-{slug}"
            while name in used_names:
                slug += "-2"
                name = f"{day.isoformat()}-{slug}"
            used_names.add(name)
            location = f"{L.cities[ci]} · {rng.choice(L.venues)}"
            fee = rng.choice((0, 0, 50, 100, 150, 200))
            cost = rng.randrange(600, 3001, 100)
            self.events.append(dict(day=day, name=name, title=title, location=location,
                                    organizers=organizers, attendees=attendees, fee=fee,
                                    cost=cost, lang=org_lang))

    def plan_ledger(self):
        """Money in and out other than awards; top-up donations are added while the weeks run."""
        rng = self.rng
        led = []  # (date, kind, amount, member, note)
        founder = self.members[0]
        first = self.mondays[0]
        last_sunday = min(self.mondays[-1] + dt.timedelta(days=6), TODAY)
        led.append((founder.joined, "donation", 5000, founder.handle, "創辦人啟動資金"))
        payers = [mb for mb in self.members if mb.entry == "fee"]
        for mb in payers:
            led.append((mb.joined, "entry_fee", ENTRY_FEE, mb.handle, "入會費"))
        dup = rng.sample(payers, min(len(payers), 1 + len(payers) // 400))
        for mb in dup:  # a double payment, refunded a few days later
            led.append((mb.joined, "entry_fee", ENTRY_FEE, mb.handle, "入會費（重複繳納）"))
            led.append((mb.joined + dt.timedelta(days=3), "refund", ENTRY_FEE, mb.handle, "退還重複繳納的入會費"))
        # monthly operations fees from every member who joined before the month
        y, mo = first.year, first.month
        while dt.date(y, mo, 1) <= last_sunday:
            d = dt.date(y, mo, 1)
            cnt = bisect.bisect_left(self.elig_ord, d.toordinal())
            if cnt:
                led.append((d, "operations_fee", OPERATIONS_FEE * cnt, None, f"{y}-{mo:02d} 運營費（{cnt} 人）"))
            if mo == 1 and d >= first:
                led.append((d + dt.timedelta(days=14), "other", 600, None, "網域與主機年費"))
            y, mo = (y + 1, 1) if mo == 12 else (y, mo + 1)
        # stipends: per duty week, paid on the 1st of the following month
        duty: dict[tuple, int] = {}
        for k, mon in enumerate(self.mondays):
            sess = mon + dt.timedelta(days=5)
            key = (sess.year, sess.month, self.rota[k % len(self.rota)])
            duty[key] = duty.get(key, 0) + 1
        for (y, mo, h), cnt in duty.items():
            pay = dt.date(y + 1, 1, 1) if mo == 12 else dt.date(y, mo + 1, 1)
            if pay <= TODAY:
                led.append((pay, "stipend", STIPEND_PER_DUTY_WEEK * cnt, h, f"{y}-{mo:02d} 值班 {cnt} 週"))
        # donations now and then
        for k in range(13, len(self.mondays), 26):
            d = self.mondays[k] + dt.timedelta(days=rng.randint(0, 6))
            mb = self.pick(d, ())
            if mb and d <= TODAY:
                led.append((d, "donation", rng.randrange(500, 3001, 100), mb.handle, "社群捐款"))
        for ev in self.events:
            led.append((ev["day"], "event", ev["cost"], ev["organizers"][0], f"活動支出：{ev['title']}"))
        self.ledger = led
        self.incomes = sorted((e for e in led if e[1] in ("entry_fee", "operations_fee", "donation")),
                              key=lambda e: e[0])
        self.outflows = sorted((e for e in led if e[1] not in ("entry_fee", "operations_fee", "donation")),
                               key=lambda e: e[0])
        self._pi = self._po = 0
        self.balance = 0
        self.award_log = []  # (monday, total)

    def available(self, monday: dt.date) -> int:
        """Income before this week, less every outflow up to its Sunday and all awards so far."""
        sunday = monday + dt.timedelta(days=6)
        while self._pi < len(self.incomes) and self.incomes[self._pi][0] < monday:
            self.balance += self.incomes[self._pi][2]
            self._pi += 1
        while self._po < len(self.outflows) and self.outflows[self._po][0] <= sunday:
            self.balance -= self.outflows[self._po][2]
            self._po += 1
        return self.balance

    def finish_ledger(self):
        """Check the balance day by day (awards counted on their week's Monday, outflows before
        income on the same day) and add a donation the day before any dip below zero."""
        rows = [(e[0], 1 if e[1] in ("entry_fee", "operations_fee", "donation") else 0, e) for e in self.ledger]
        rows += [(mon, 0, ("award", total)) for mon, total in self.award_log]
        rows.sort(key=lambda r: (r[0], r[1]))
        bal = 0
        founder = self.members[0].handle
        for day, is_in, e in rows:
            if e[0] == "award":
                bal -= e[1]
            elif is_in:
                bal += e[2]
            else:
                bal -= e[2]
            if bal < 0:
                amt = int(math.ceil((-bal + 1000) / 1000.0)) * 1000
                self.ledger.append((day - dt.timedelta(days=1), "donation", amt, founder, "創辦人補充基金"))
                bal += amt
        order = {"donation": 0, "entry_fee": 1, "operations_fee": 2, "refund": 3, "stipend": 4,
                 "event": 5, "other": 6}
        self.ledger.sort(key=lambda e: (e[0], order[e[1]], e[3] or "", e[4]))
        lines = []
        for day, kind, amount, member, note in self.ledger:
            lines.append(f"- date: {day.isoformat()}")
            lines.append(f"  kind: {kind}")
            lines.append(f"  amount: {amount}")
            if member:
                lines.append(f"  member: {member}")
            lines.append(f"  note: {ys(note)}")
        self.w.write("content/fund.yaml", "\n".join(lines) + "\n")

    # ---------------------------------------------------------------- weeks
    def run_weeks(self):
        self.slugs: list[str] = []
        self.slug_set: set[str] = set()
        self.tag_recent: dict[str, list[str]] = {}
        self.solved: list[tuple[int, str, list[str]]] = []  # (week index, slug, tags)
        self.tag_solved: dict[str, int] = {}
        tag_weights = [1.0 / (r + 2) ** 0.6 for r in range(len(self.tags))]
        self.tag_cum = []
        t = 0.0
        for x in tag_weights:
            t += x
            self.tag_cum.append(t)
        for k, mon in enumerate(self.mondays):
            self.week(k, mon, self.per_week[k])

    def pick_tags(self) -> list[str]:
        rng = self.rng
        n = rng.randint(2, 4)
        out = []
        top = self.tag_cum[-1]
        while len(out) < n:
            tg = self.tags[bisect.bisect_right(self.tag_cum, rng.random() * top)]
            if tg not in out:
                out.append(tg)
        return out

    def slug_for(self, topic, verb) -> str:
        rng = self.rng
        words = [VERBS[verb][1]] + [NOUNS[i][1] for i in topic[:rng.randint(1, 2)]]
        base = re.sub(r"[^a-z0-9]+", "-", " ".join(words).lower()).strip("-")[:56]
        s, k = base, 2
        while s in self.slug_set:
            s = f"{base}-{k}"
            k += 1
        self.slug_set.add(s)
        return s

    def week(self, k: int, mon: dt.date, nq: int):
        rng = self.rng
        week_id = iso_week(mon)
        session = mon + dt.timedelta(days=5)
        rota = self.rota
        mods = [rota[k % len(rota)]]
        if len(rota) > 2 and rng.random() < 0.04:
            mods.append(rota[(k + 3) % len(rota)])
        mod = self.by_handle[mods[0]]
        ML = self.langs[mod.lang]
        wdir = f"content/weeks/{week_id}"
        ensure_dir(os.path.join(self.out, wdir))
        challenger = self.challengers.get(k)
        guests = self.guests_by_week.get(k, [])
        chal_q = rng.randrange(nq) if challenger else -1
        guest_q = {g.handle: rng.randrange(nq) for g in guests}
        week_answers = []  # (ref, author, co_authors)
        for qi in range(nq):
            forced = []
            if qi == chal_q:
                forced.append(challenger)
            forced += [g for g in guests if guest_q[g.handle] == qi]
            week_answers += self.question(k, week_id, wdir, mon, session, mods, forced, ML)
        # pool, awards, tips
        avail = self.available(mon)
        pool = rng.randrange(120, 301, 10)
        if avail < pool + 500:
            amt = int(math.ceil((pool + 2000 - avail) / 500.0)) * 500
            entry = (mon - dt.timedelta(days=1), "donation", amt, self.members[0].handle, "創辦人補充基金")
            self.ledger.append(entry)
            self.balance += amt
        shares = (0.40, 0.25, 0.15)
        cands = [a for a in week_answers if a[1] not in mods]
        rng.shuffle(cands)
        winners, seen = [], set()
        if challenger:
            for a in cands:
                if a[1] == challenger.handle:
                    winners.append(a)
                    seen.add(a[1])
                    break
        for a in cands:
            if len(winners) == 3:
                break
            if a[1] not in seen:
                winners.append(a)
                seen.add(a[1])
        awards = []
        total = 0
        for rank, a in enumerate(winners, 1):
            amount = int(pool * shares[rank - 1]) // 5 * 5
            total += amount
            awards.append((rank, a[0], amount))
        self.balance -= total
        self.award_log.append((mon, total))
        tips = []
        for _ in range(rng.randint(0, 3)):
            if not week_answers:
                break
            a = rng.choice(week_answers)
            giver = self.pick(session, {a[1], *a[2]})
            if giver:
                tips.append((giver.handle, a[0], rng.randint(5, 30)))
        lines = [f"moderator: {mods[0]}" if len(mods) == 1 else f"moderator: {yflow(mods)}",
                 f"theme: {ys(rng.choice(ML.themes))}",
                 f"session: {session.isoformat()}",
                 f"pool: {pool}"]
        if awards:
            lines.append("awards:")
            for rank, ref, amount in awards:
                lines += [f"  - rank: {rank}", f"    answer: {ys(ref)}", f"    amount: {amount}"]
        if tips:
            lines.append("tips:")
            for frm, ref, amount in tips:
                lines += [f"  - from: {frm}", f"    answer: {ys(ref)}", f"    amount: {amount}"]
        if rng.random() < 0.9:
            lines.append(f"rating: {rng.choice((3.5, 3.8, 4, 4.2, 4.5, 4.6, 4.8, 5, 3, 2.5))}")
        self.w.write(f"{wdir}/week.yaml", "\n".join(lines) + "\n")
        self.week_ids.append(week_id)

    def question(self, k, week_id, wdir, mon, session, mods, forced, ML):
        rng = self.rng
        posted = session - dt.timedelta(days=rng.randint(2, 9))
        asker = self.pick(posted, set(mods) | {f.handle for f in forced}) or self.members[0]
        L = self.langs[asker.lang]
        topic = rng.sample(range(len(NOUNS)), 3)
        verb = rng.randrange(len(VERBS))
        slug = self.slug_for(topic, verb)
        tags = self.pick_tags()
        qdir = f"{wdir}/{slug}"
        ensure_dir(os.path.join(self.out, qdir, "answers"))
        # question.md
        title = L.fill(rng.choice(L.titles), topic, 1.0)
        fm = [f"title: {ys(title)}", f"asker: {asker.handle}", f"posted: {posted.isoformat()}",
              f"tags: {yflow(tags)}"]
        if rng.random() < 0.3:
            fm.append(f"deadline: {(session - dt.timedelta(days=rng.randint(0, 1))).isoformat()}")
        H = L.headings
        body = [f"## {H['bg']}", "", L.para(4, 6, topic), "", f"## {H['req']}", "", L.para(1, 3, topic), ""]
        for _ in range(rng.randint(2, 4)):
            body.append("- " + L.fill(rng.choice(L.requests), topic))
        self.qbytes += self.w.write(f"{qdir}/question.md", "---\n" + "\n".join(fm) + "\n---\n\n" + "\n".join(body) + "\n")
        # answers
        n_ans = rng.randint(2, 6)
        exclude = {asker.handle, *mods}
        authors = list(forced)
        exclude |= {f.handle for f in forced}
        while len(authors) < n_ans:
            submitted_hint = posted + dt.timedelta(days=(session - posted).days // 2)
            mb = self.pick(submitted_hint, exclude)
            if mb is None:
                break
            authors.append(mb)
            exclude.add(mb.handle)
        rng.shuffle(authors)
        refs = []
        for au in authors:
            lo = posted
            if au.joined and au.joined > lo and au.challenge_week is None:
                lo = au.joined
            if lo > session:
                lo = session
            submitted = lo + dt.timedelta(days=rng.randint(0, (session - lo).days))
            co = []
            if rng.random() < 0.15:
                c = self.pick(submitted, {au.handle, asker.handle, *mods})
                if c:
                    co.append(c.handle)
            ref = f"{slug}/{au.handle}"
            refs.append((ref, au.handle, co))
            self.qbytes += self.w.write(f"{qdir}/answers/{au.handle}.md", self.answer_md(au, submitted, co, topic))
        # solution
        if rng.random() < 0.9:
            pub = session + dt.timedelta(days=rng.randint(1, 6))
            if pub > TODAY:
                pub = TODAY
            if pub > session:
                self.qbytes += self.w.write(f"{qdir}/solution.md", self.solution_md(
                    slug, mods[0], pub, refs, tags, topic, week_id, asker))
                self.solved.append((k, slug, tags))
                for tg in tags:
                    self.tag_solved[tg] = self.tag_solved.get(tg, 0) + 1
        for tg in tags:
            lst = self.tag_recent.setdefault(tg, [])
            lst.append(slug)
            if len(lst) > 40:
                del lst[:20]
        self.slugs.append(slug)
        return refs

    def answer_md(self, au: Member, submitted, co, topic) -> str:
        rng = self.rng
        L = self.langs[au.lang]
        fm = [f"submitted: {submitted.isoformat()}"]
        if co:
            fm.append(f"co_authors: {yflow(co)}")
        b = [f"## {L.headings['method']}", "", L.para(4, 6, topic), ""]
        r = rng.random()
        if r < 0.55:
            for i in range(rng.randint(3, 6)):
                v, n = rng.choice(L.verbs), L.nouns[rng.choice(topic)] if rng.random() < 0.5 else rng.choice(L.nouns)
                label = f"{v}{n}" if L.cjk else f"{v[0].upper() + v[1:]} the {n}"
                colon = "：" if L.cjk else ":"
                b.append(f"{i + 1}. **{label}**{colon}{'' if L.cjk else ' '}{L.sentence(topic)}")
            b.append("")
        elif r < 0.75:
            for _ in range(rng.randint(2, 4)):
                b.append("- " + L.sentence(topic))
            b.append("")
        b += [L.para(3, 5, topic), ""]
        x = rng.random()
        if x < 0.12:
            b += self.table(L, topic) + [""]
        elif x < 0.22:
            b += self.code_block() + [""]
        if rng.random() < 0.5:
            b += [f"### {L.headings['result']}", "", L.para(1, 3, topic), ""]
        return "---\n" + "\n".join(fm) + "\n---\n\n" + "\n".join(b)

    def table(self, L: Lang, topic) -> list[str]:
        rng = self.rng
        rows = [f"| {' | '.join(L.table_head)} |", "| --- | ---: | ---: |"]
        for _ in range(rng.randint(2, 4)):
            n = L.nouns[rng.choice(topic)] if rng.random() < 0.4 else rng.choice(L.nouns)
            a = rng.randint(5, 80)
            rows.append(f"| {n} | {a}% | {min(99, a + rng.randint(-5, 30))}% |")
        return rows

    def code_block(self) -> list[str]:
        rng = self.rng
        ident = lambda: re.sub(r"[^a-z]+", "_", rng.choice(NOUNS)[1])  # noqa: E731
        kind = rng.randrange(4)
        if kind == 0:
            return ["```python", f"def {ident()}_ratio(rows, {ident()}):",
                    f"    active = [r for r in rows if r[\"{ident()}\"] >= {rng.randint(1, 20)}]",
                    "    return len(active) / max(len(rows), 1)", "```"]
        if kind == 1:
            return ["```sql", "SELECT week, COUNT(DISTINCT member) AS active",
                    f"FROM {ident()}", f"WHERE {ident()} > {rng.randint(1, 50)}",
                    "GROUP BY week", "ORDER BY week;", "```"]
        if kind == 2:
            return ["```bash", f"grep -c '{ident()}' logs/{ident()}.log",
                    f"sort -u {ident()}.csv | wc -l", "```"]
        return ["```yaml", f"{ident()}:", f"  every: {rng.randint(1, 4)}w",
                f"  owner: {ident()}", f"  threshold: {rng.randint(1, 100)}", "```"]

    def solution_md(self, slug, curator, pub, refs, tags, topic, week_id, asker) -> str:
        rng = self.rng
        cur = self.by_handle[curator]
        L = self.langs[cur.lang]
        H = L.headings
        fm = [f"curator: {curator}", f"published: {pub.isoformat()}"]
        if rng.random() < 0.15 and refs:
            fm.append("credits:")
            for ref, h, _ in refs[:rng.randint(1, len(refs))]:
                fm += [f"  - member: {h}", "    for: answer"]
            fm += [f"  - member: {curator}", f"    for: {ys('整理' if L.cjk else 'write-up')}"]
        summary = [L.para(3, 5, topic)]
        extra = []
        if rng.random() < 0.3:
            earlier = self.tag_recent.get(tags[0]) or self.slugs
            if earlier:
                extra.append(rng.choice(L.links["q"]).format(x=rng.choice(earlier[-20:])))
        if rng.random() < 0.15 and self.week_ids:
            extra.append(rng.choice(L.links["w"]).format(x=rng.choice(self.week_ids[-30:])))
        if rng.random() < 0.2:
            extra.append(rng.choice(L.links["t"]).format(x=rng.choice(tags)))
        if asker.visibility == "public" and rng.random() < 0.2:
            extra.append(rng.choice(L.links["m"]).format(x=asker.handle, y=asker.nickname))
        summary += extra
        b = [f"## {H['summary']}", "", L.sep.join(summary), "", f"## {H['solution']}", ""]
        for i in range(rng.randint(4, 6)):
            b.append(f"{i + 1}. {L.sentence(topic)}")
        b += ["", f"## {H['points']}", ""]
        for _ in range(rng.randint(3, 4)):
            b.append("- " + L.fill(rng.choice(L.keypoints), topic))
        b += ["", f"## {H['refs']}", ""]
        n = 0
        for ref, h, _ in refs:
            if self.by_handle[h].visibility == "hidden":
                continue
            label = f"回答{ORDINALS[n]}" if L.cjk else f"Answer {n + 1}"
            if cur.lang == "hans":
                label = to_hans(label)
            note = L.fill(rng.choice(L.refnotes), topic)
            b.append(f"- [{label}](a:{ref}){'：' if L.cjk else ': '}{note}")
            n += 1
        if n == 0:
            b.append("- " + L.sentence(topic))
        if rng.random() < 0.03:
            b += ["", "---", "", L.para(1, 1, topic)]
        return "---\n" + "\n".join(fm) + "\n---\n\n" + "\n".join(b) + "\n"

    # ---------------------------------------------------------------- the rest
    def write_events(self):
        ensure_dir(os.path.join(self.out, "content/events"))
        for ev in self.events:
            L = self.langs[ev["lang"]]
            fm = [f"title: {ys(ev['title'])}", f"date: {ev['day'].isoformat()}",
                  f"location: {ys(ev['location'])}", f"organizers: {yflow(ev['organizers'])}",
                  f"attendees: {yflow(ev['attendees'])}", f"fee: {ev['fee']}"]
            body = [f"## {L.headings['recap']}", "", L.para(3, 6), "", L.para(2, 4), ""]
            self.w.write(f"content/events/{ev['name']}.md", "---\n" + "\n".join(fm) + "\n---\n\n" + "\n".join(body))

    def write_book(self):
        rng = self.rng
        L = self.langs["hant"]
        solved = self.solved
        if not solved:
            return
        chapters = []
        # 1. an explicit list of questions from the first part of the archive
        head = solved[: max(8, len(solved) // 10)]
        pick = sorted(rng.sample(range(len(head)), min(len(head), rng.randint(5, 8))))
        chapters.append(("入門精選", [f"questions: {yflow([head[i][1] for i in pick])}"]))
        # 2. tags: one of the less common tags that select at least one solution
        ranked = sorted(self.tag_solved.items(), key=lambda kv: (kv[1], self.tags.index(kv[0])))
        low = ranked[: max(1, len(ranked) // 2)]
        # Tag and week-range chapters are written as the curated questions they would select:
        # a book leaves uncurated questions out with a warning, and a generated community must
        # pass `check --strict`.
        def by_tags(tags):
            return yflow([slug for _, slug, qt in solved if set(tags) & set(qt)])

        t1 = rng.choice(low)[0]
        chapters.append((f"專題：{t1}", [f"questions: {by_tags([t1])}"]))
        # 3. a range of weeks with solutions
        wk_idx = sorted({s[0] for s in solved})
        a = rng.randrange(len(wk_idx))
        b = min(len(wk_idx) - 1, a + rng.randint(2, 5))
        chapters.append(("某一季的討論", [
            f"questions: {yflow([slug for k, slug, _ in solved if wk_idx[a] <= k <= wk_idx[b]])}"]))
        extra = rng.randint(0, 2)
        if extra >= 1:
            t2 = [x[0] for x in rng.sample(low, min(2, len(low)))]
            chapters.append((f"專題：{' 與 '.join(t2)}", [f"questions: {by_tags(t2)}"]))
        if extra >= 2:
            last = wk_idx[-min(4, len(wk_idx)):]
            chapters.append(("最近的討論", [
                f"questions: {yflow([slug for k, slug, _ in solved if last[0] <= k <= last[-1]])}"]))
        lines = [f"title: {ys('學習社群精選集')}", f"subtitle: {ys(f'{self.n} 題合成資料中的精華')}",
                 f"editors: {yflow(self.rota[:3])}", "chapters:"]
        for title, sel in chapters:
            lines.append(f"  - title: {ys(title)}")
            lines.append(f"    intro: {ys(L.para(1, 2))}")
            lines += ["    " + s for s in sel]
        self.w.write("content/book.yaml", "\n".join(lines) + "\n")

    def write_about(self):
        L = self.langs["hant"]
        body = ["這是一個由 `bench/generate.py` 產生的合成學習社群，用來測量建置速度與輸出大小。", "",
                f"## {L.headings['about']}", "", L.para(3, 5), "",
                f"- 成員：{len(self.members)} 位", f"- 週次：{len(self.mondays)} 週",
                f"- 問題：{self.n} 題", "",
                f"群管輪值見[第一週](w:{self.week_ids[0]})起的每週紀錄。", ""]
        self.w.write("content/about.md", f"---\ntitle: {ys(ABOUT_TITLE)}\n---\n\n" + "\n".join(body))

    def write_site(self):
        lines = [f"title: {ys(SITE_TITLE)}",
                 f"tagline: {ys(f'{self.n} 題合成資料（seed {self.seed}）')}",
                 f"base_url: {ys(BASE_URL)}", "language: zh-Hant",
                 "privacy:", "  stage: growth",
                 "fund:", f"  entry_fee: {ENTRY_FEE}", f"  operations_fee: {OPERATIONS_FEE}", "  weeks: 52",
                 "rota:", f"  moderators: {yflow(self.rota)}", f"  start: {ys(self.week_ids[0])}"]
        self.w.write("site.yaml", "\n".join(lines) + "\n")

    def run(self):
        ensure_dir(os.path.join(self.out, "content/members"))
        self.tags = TAGS_HANT + [to_hans(t) for t in TAGS_HANS_SRC] + TAGS_EN
        self.week_ids: list[str] = []
        self.plan_members()
        self.plan_events()
        self.plan_ledger()
        for mb in self.members:
            self.w.write(f"content/members/{mb.handle}.yaml", self.member_yaml(mb))
        self.run_weeks()
        self.finish_ledger()
        self.write_events()
        self.write_book()
        self.write_about()
        self.write_site()


def _init_tables():
    pairs = T2S_CHARS
    _T2S_TABLE.update({ord(pairs[i]): pairs[i + 1] for i in range(0, len(pairs), 2)})


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description="Write a synthetic shequn community for benchmarks.")
    ap.add_argument("out", help="output folder (receives site.yaml and content/)")
    ap.add_argument("--questions", "-n", type=int, required=True, help="number of questions")
    ap.add_argument("--seed", type=int, default=1, help="random seed (default 1)")
    ap.add_argument("--force", action="store_true",
                    help="write into a non-empty OUT (its content/ and site.yaml are replaced)")
    args = ap.parse_args(argv)
    if args.questions < 1:
        ap.error("--questions must be at least 1")
    out = args.out
    if os.path.exists(out) and not os.path.isdir(out):
        ap.error(f"{out} exists and is not a folder")
    if os.path.isdir(out) and os.listdir(out):
        if not args.force:
            print(f"generate.py: {out} is not empty; use --force to replace its content/ and site.yaml",
                  file=sys.stderr)
            return 2
        shutil.rmtree(os.path.join(out, "content"), ignore_errors=True)
        if os.path.exists(os.path.join(out, "site.yaml")):
            os.remove(os.path.join(out, "site.yaml"))
    ensure_dir(out)
    _init_tables()
    t0 = time.perf_counter()
    g = Generator(out, args.questions, args.seed)
    g.run()
    secs = time.perf_counter() - t0
    print(f"questions {g.n}  weeks {len(g.mondays)} ({g.week_ids[0]}..{g.week_ids[-1]})  "
          f"members {len(g.members)}  files {g.w.files}  bytes {g.w.bytes}  "
          f"bytes/question {g.w.bytes / g.n:.0f} (q+a+s {g.qbytes / g.n:.0f})  seconds {secs:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
