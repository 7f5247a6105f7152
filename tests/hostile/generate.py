"""Writes the hostile corpus next to this file: site.yaml, content/ and README.md.

The corpus is committed as files (a few dozen); this script is how they were made, kept so that a
case can be added without hand-typing invisible characters or 100 KB lines:

    python3 tests/hostile/generate.py && shequn check --source tests/hostile

The 10,000 answers of `many-answers` are not here: tests/test_hostile.py adds them to a copy.
"""
import json
import shutil
from pathlib import Path

ROOT = Path(__file__).resolve().parent
shutil.rmtree(ROOT / "content", ignore_errors=True)

def w(rel, text):
    p = ROOT / rel
    p.parent.mkdir(parents=True, exist_ok=True)
    p.write_text(text, encoding="utf-8")

def q(s):
    """A YAML double-quoted scalar (a JSON string is a valid YAML 1.2 double-quoted scalar)."""
    return json.dumps(s, ensure_ascii=False)

RLO, ZWSP, ZWJ, ZWNJ, BOM, LRO, PDF_, RLI = "\u202e", "\u200b", "\u200d", "\u200c", "\ufeff", "\u202d", "\u202c", "\u2067"
T = "{{ 7*7 }}"
L = "{% for i in range(3) %}LOOP{% endfor %}"
D = "${7*191}"
E = "{{ 7*191 }}"
S = "<script>alert('xss')</script>"
I = "<img src=x onerror=alert(1)>"
V = '"><svg onload=alert(1)>'
ALL = f"{T} {L} {D} {E} #{{7*191}} <%= 7*191 %> {S} {I} {V}"

def hostile(label):
    return f"{label} {ALL}"

MD_LINKS = """\
[js](javascript:alert('js'))
[mixed](JaVaScRiPt:alert('mixed'))
[entity](&#106;avascript:alert('entity'))
[hex-entity](&#x6A;&#x61;vascript:alert('hex'))
[colon-entity](javascript&colon;alert('colon'))
[tab](<java	script:alert('tab')>)
[tab-entity](java&#x09;script:alert('tab-entity'))
[newline-entity](java&#x0A;script:alert('nl-entity'))
[cr-entity](java&#13;script:alert('cr-entity'))
[space](<java script:alert('space')>)
[leading-space](< javascript:alert('lead')>)
[ctrl-entity](&#1;javascript:alert('ctrl'))
[percent](%6Aavascript:alert('percent'))
[vbscript](vbscript:msgbox('vb'))
[VBSCRIPT](VBScript:msgbox('VB'))
[data-html](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)
[data-svg](data:image/svg+xml,<svg onload=alert(1)>)
[DaTa](DaTa:text/html,<script>alert(1)</script>)
[file](file:///etc/passwd)
[quote-break](https://example.org/"onmouseover="alert('attr'))
[quote-break-2](<https://example.org/" onclick="alert('attr2')>)
[fragment](#"onmouseover="alert('frag'))
<javascript:alert('autolink')>
<JAVASCRIPT:alert('autolink2')>
<vbscript:msgbox('autolink3')>
[ref-js][bad-ref] [ref-data][bad-data]

[bad-ref]: javascript:alert('ref')
[bad-data]: data:text/html,<script>alert('ref-data')</script>

![img-js](javascript:alert('img'))
![img-data-svg](data:image/svg+xml,%3Csvg%20xmlns='http://www.w3.org/2000/svg'%20onload='alert(1)'/%3E)
![img-data-svg-b64](data:image/svg+xml;base64,PHN2ZyB4bWxucz0iaHR0cDovL3d3dy53My5vcmcvMjAwMC9zdmciIG9ubG9hZD0iYWxlcnQoMSkiLz4=)
![img-title](https://example.org/x.png "\\" onerror=\\"alert('title')")
![img-alt" onerror="alert('alt')](https://example.org/y.png)
"""

MD_HTML = """\
<script>alert('block')</script>

<img src=x onerror=alert('img-block')>

<svg onload=alert('svg-block')><circle r="40" /></svg>

<svg><script>alert('svg-script')</script></svg>

<svg><a xlink:href="javascript:alert('svg-a')"><text y="20">svg link</text></a></svg>

<iframe src="javascript:alert('iframe')"></iframe>

<iframe srcdoc="<script>alert('srcdoc')</script>"></iframe>

<object data="javascript:alert('object')"></object>

<embed src="data:text/html,<script>alert('embed')</script>">

<math><mtext><table><mglyph><style><img src=x onerror=alert('mxss')></style></mglyph></table></mtext></math>

<details open ontoggle=alert('details')><summary>x</summary></details>

<body onload=alert('body')>

<meta http-equiv="refresh" content="0;url=javascript:alert('meta')">

<base href="javascript:alert('base')//">

<link rel="stylesheet" href="javascript:alert('link')">

<style>body { display: none } * { background: url("javascript:alert('css')") }</style>

<form action="javascript:alert('form')"><button>go</button></form>

<input autofocus onfocus=alert('autofocus')>

<a href="javascript:alert('raw-a')" onclick="alert('onclick')">raw anchor</a>

<div style="width:10000px" onmouseover="alert('div')">wide raw div</div>

<!-- <script>alert('comment')</script> -->

<![CDATA[<script>alert('cdata')</script>]]>

<noscript><p title="</noscript><img src=x onerror=alert('noscript')>"></noscript>

<template><script>alert('template')</script></template>

<textarea></textarea><script>alert('textarea')</script>

Inline: a <script>alert('inline')</script> b <img src=x onerror=alert('inline-img')> c <b onclick=alert(1)>bold</b>
"""

MD_TEMPLATE = f"""\
Template syntax as text: {T} and {L} and {D} and {E} and #{{7*191}} and <%= 7*191 %> and {{{{ config }}}} {{{{ ''.__class__.__mro__ }}}} {{{{ self }}}} {{{{ lipsum.__globals__ }}}}

`{T} in code` and **{T} in bold** and [{T} in a link](https://example.org/?q={{{{7*7}}}})

{{% raw %}}{T}{{% endraw %}} {{% include 'base.html' %}} {{% extends 'base.html' %}} {{# comment #}}

```jinja
{{% for x in range(3) %}}{T}{{% endfor %}}
```

| {T} | {L} |
|---|---|
| {D} | {S} |
"""

MD_MISC = f"""\
## {S} heading {T}

### <img src=x onerror=alert('h3')> {RLO}gnp.exe

Bidi: {RLO}txet desrever{PDF_} and zero-width: a{ZWSP}b{ZWJ}c{ZWNJ}d{BOM}e; emoji 👩‍👩‍👧‍👦 🏳️‍🌈 and astral CJK 𠮷野家 𩸽 𪚲 𫝆 𬺰.

- [ ] task {S}
- [x] done {I}

Footnote[^{T}] and another[^x].

[^{T}]: {S} footnote body {T}
[^x]: [fn-js](javascript:alert('fn'))

```"><img src=x onerror=alert('info')>
code with a hostile info string
```

```html
<script>alert('highlighted')</script>
```

```
{S} {T}
```

    indented {S}

> quote {S}
> > nested {I}
"""

def front(**fields):
    lines = ["---"]
    for k, v in fields.items():
        lines.append(f"{k}: {v}")
    lines.append("---")
    return "\n".join(lines) + "\n"

# ---------------------------------------------------------------- site
w("site.yaml", f"""# A hostile community: every text field carries a payload; `shequn check` passes (warnings allowed).
# Used by tests/test_hostile.py, which adds generated files (10,000 answers) in a temporary copy.
title: {q("敵意社群 " + S + " " + T)}
tagline: {q(L + " " + D + " " + I + " " + RLO + "lanigat" + PDF_ + " 𠮷")}
base_url: https://hostile.example.org/
language: zh-Hant
timezone: Asia/Taipei
currency: CNY
privacy:
  stage: growth
fund:
  entry_fee: 100
  operations_fee: 10
  weeks: 52
  public_detail: true
rota:
  moderators: [mod, xss]
  start: 2026-W10
theme: default
book:
  formats: [html]
""")

# ---------------------------------------------------------------- members
members = {
    "mod": dict(nickname=T + " 主持人", roles="[founder, moderator]", visibility="public"),
    "xss": dict(nickname=S + I, roles="[moderator, contributor]", visibility="public"),
    "bidi": dict(nickname=RLO + "gnp.exe" + ZWSP + "老" + ZWJ + "王" + BOM + ZWNJ + LRO + RLI, roles="[member]", visibility="public"),
    "emoji": dict(nickname="𠮷野家 𩸽 👩‍👩‍👧‍👦 🏳️‍🌈 " + "😀" * 20, roles="[member]", visibility="public"),
    "tmpl": dict(nickname=L + " " + D + " " + E, roles="[member, contributor]", visibility="public"),
    "longname": dict(nickname="名" * 300 + "X" * 300, roles="[member]", visibility="public"),
    "quiet": dict(nickname=hostile("members-only"), roles="[member]", visibility="members"),
    "ghost": dict(nickname=hostile("hidden"), roles="[member]", visibility="hidden"),
}
for handle, m in members.items():
    bio = (f"{T} **{S}** {I} {L} {D} {RLO}oib\n\n"
           "[bio-js](javascript:alert('bio')) [bio-nul](java\u0000script:alert('nul')) "
           "[bio-entity](&#106;avascript:alert('bio-entity'))\n\n"
           "<svg onload=alert('bio')><circle r=10 /></svg>\n")
    w(f"content/members/{handle}.yaml", f"""nickname: {q(m['nickname'])}
name: {q("PRIVATE-NAME " + S)}
company: {q("PRIVATE-CO " + I)}
contact:
  email: {q(handle + "@example.com")}
  wechat: {q(T)}
position: {q(hostile("position"))}
industry: {q(T + " " + RLO + "yrtsudni")}
career_path:
  - year: 2020
    role: {q(hostile("role"))}
    org: {q("PRIVATE-ORG " + S)}
expertise:
  - {q(T)}
  - {q(S)}
  - {q("javascript:alert(1)")}
  - {q(V)}
  - {q("𠮷" + ZWSP + "𩸽")}
needs:
  - {q(L)}
  - {q(I)}
hobbies:
  - {q(D)}
  - {q("🏳️‍🌈 " + RLO + "ybboh")}
roles: {m['roles']}
joined: 2026-01-05
entry: fee
visibility: {m['visibility']}
bio: {q(bio)}
""")

# ---------------------------------------------------------------- fund
entries = []
for i, handle in enumerate(members):
    entries.append(f"""- date: 2026-01-{5 + i:02d}
  kind: entry_fee
  amount: 100
  member: {handle}
  note: {q(hostile("note"))}""")
entries.append(f"""- date: 2026-02-01
  kind: donation
  amount: 500
  note: {q(RLO + "etanod " + ZWSP + " 𠮷 " + L)}""")
entries.append(f"""- date: 2026-02-02
  kind: other
  amount: 10
  note: {q("javascript:alert('note') " + E)}""")
w("content/fund.yaml", "# Ledger with hostile notes.\n" + "\n".join(entries) + "\n")

# ---------------------------------------------------------------- weeks
w("content/weeks/2026-W10/week.yaml", f"""moderator: mod
theme: {q(hostile("theme"))}
session: 2026-03-07
awards:
  - rank: 1
    answer: xss-everywhere/xss
    amount: 10
  - rank: 2
    answer: xss-everywhere/bidi
    amount: 5
tips:
  - from: emoji
    answer: xss-everywhere/tmpl
    amount: 3
rating: 4
""")

w("content/weeks/2026-W10/xss-everywhere/question.md",
  front(title=q("<script>alert('title')</script> " + T + " " + I),
        asker="xss", posted="2026-03-02",
        tags="[" + ", ".join(q(t) for t in [S, T, L, D, "javascript:alert(1)", V,
                                             RLO + "gat" + ZWSP, "𠮷" + ZWJ + "𩸽", "emoji 👩‍👩‍👧‍👦"]) + "]",
        deadline="2026-03-06")
  + "## 背景\n\nEvery link payload:\n\n" + MD_LINKS + "\n## 訴求\n\n" + MD_HTML)

w("content/weeks/2026-W10/xss-everywhere/answers/xss.md", front(submitted="2026-03-03", co_authors="[tmpl]") + MD_HTML + "\n" + MD_LINKS)
w("content/weeks/2026-W10/xss-everywhere/answers/bidi.md", front(submitted="2026-03-03") + MD_MISC)
w("content/weeks/2026-W10/xss-everywhere/answers/tmpl.md", front(submitted="2026-03-04") + MD_TEMPLATE)
w("content/weeks/2026-W10/xss-everywhere/answers/quiet.md", front(submitted="2026-03-04") + "members-only author:\n\n" + MD_LINKS)
w("content/weeks/2026-W10/xss-everywhere/answers/ghost.md", front(submitted="2026-03-04") + "hidden author:\n\n" + MD_MISC)
w("content/weeks/2026-W10/xss-everywhere/solution.md",
  front(curator="mod", published="2026-03-08")
  + f"## {T}\n\n[The question](q:xss-everywhere), [an answer](a:xss-everywhere/xss), [a member](m:bidi), "
    f"[the week](w:2026-W10), [a tag](t:{T.replace(' ', '%20')})\n\n" + MD_TEMPLATE + "\n" + MD_MISC + "\n" + MD_LINKS)

# Long and deep: generated here, committed as files.
long_word = "A" * 100_000
long_cjk = "長" * 35_000  # 105 KB of UTF-8, no spaces
long_url = "https://example.org/" + "x" * 100_000
nested_list = "- " * 1000 + "deepest list item\n"
nested_quote = "> " * 1000 + "deepest quote\n"
nested_ol = "".join(f"{'   ' * i}1. level {i}\n" for i in range(60))
nested_html = "<div>" * 1000 + "deep raw html" + "</div>" * 1000 + "\n"
nested_emph = "*" * 500 + "emph" + "*" * 500 + "\n"
nested_brackets = "[" * 1000 + "x" + "](y)" * 1000 + "\n"
w("content/weeks/2026-W11/week.yaml", f"""moderator: [xss, mod]
theme: {q(RLO + "emeht " + ZWSP + "𠮷𩸽 " + T)}
session: 2026-03-14
""")
AFTER = "AFTER-DEEP-NESTING: this paragraph follows the deep structure and must be shown."
indented_list = "".join(f"{'  ' * i}- level {i} {T}\n" for i in range(40))
mixed = "> - " * 500 + "mixed quote and list\n"
w("content/weeks/2026-W11/long-and-deep/question.md",
  front(title=q("Long " + "題" * 200 + "W" * 400 + " " + T), asker="emoji", posted="2026-03-09",
        tags="[" + ", ".join(q(t) for t in ["長" * 80, "L" * 200, T]) + "]")
  + "## 100 KB without a space\n\n" + long_word + "\n\n" + long_cjk + "\n\n"
  + f"`{long_word[:20000]}`\n\n[{long_word[:5000]}]({long_url})\n\n"
  + "## Lists with text at 40 levels\n\n" + indented_list + "\n" + nested_ol + "\n" + AFTER + "\n")
w("content/weeks/2026-W11/long-and-deep/answers/longname.md",
  front(submitted="2026-03-10") + "```\n" + long_word + "\n```\n\n| " + long_word[:20000] + " | b |\n|---|---|\n| " + long_cjk[:10000] + " | d |\n")
w("content/weeks/2026-W11/long-and-deep/answers/emoji.md",
  front(submitted="2026-03-10") + ("👩‍👩‍👧‍👦🏳️‍🌈𠮷𩸽" * 1000) + "\n")
w("content/weeks/2026-W11/long-and-deep/answers/bidi.md",
  front(submitted="2026-03-10") + "1,000 nested lists:\n\n" + nested_list + "\n" + AFTER + "\n")
w("content/weeks/2026-W11/long-and-deep/answers/tmpl.md",
  front(submitted="2026-03-10") + "1,000 nested quotes:\n\n" + nested_quote + "\n" + AFTER + "\n")
w("content/weeks/2026-W11/long-and-deep/answers/xss.md",
  front(submitted="2026-03-10") + "1,000 quotes and lists, alternating:\n\n" + mixed + "\n" + AFTER + "\n")
w("content/weeks/2026-W11/long-and-deep/answers/mod.md",
  front(submitted="2026-03-11") + "Raw HTML, emphasis and brackets 1,000 deep:\n\n" + nested_html + "\n" + nested_emph + "\n" + nested_brackets + "\n" + AFTER + "\n")

# The question that the test fills with 10,000 answers (in a temporary copy).
w("content/weeks/2026-W11/many-answers/question.md",
  front(title=q("萬人回答 " + T + " " + S), asker="mod", posted="2026-03-09", tags="[" + q(T) + "]")
  + "## 背景\n\nThe test adds 10,000 answers to this question in a temporary copy.\n\n## 訴求\n\n" + L + "\n")
w("content/weeks/2026-W11/many-answers/answers/mod.md", front(submitted="2026-03-10") + f"First answer {T} {S}\n")

# ---------------------------------------------------------------- event, about, book
w("content/events/2026-03-21-hostile-meetup.md",
  front(title=q("<script>alert('event')</script> " + T + " 𠮷"), date="2026-03-21",
        location=q(hostile("location") + " " + RLO + "noitacol"),
        organizers="[mod, xss]", attendees="[bidi, emoji, tmpl, quiet, ghost]", fee="0")
  + MD_TEMPLATE + "\n" + MD_HTML)
w("content/about.md", front(title=q(hostile("about"))) + MD_MISC + "\n" + MD_LINKS)
w("content/book.yaml", f"""title: {q(hostile("book"))}
subtitle: {q(RLO + "eltitbus " + L)}
editors: [mod, xss]
license: {q(T + " " + S)}
chapters:
  - title: {q(hostile("chapter"))}
    questions: [xss-everywhere]
    intro: {q(MD_TEMPLATE + chr(10) + MD_LINKS)}
  - title: {q(RLO + "2 retpahc " + ZWSP + "𩸽")}
    weeks: {{from: 2026-W10, to: 2026-W11}}
    intro: {q(MD_HTML)}
""")

w("README.md", """# The hostile community

A community whose every text field is hostile: script tags, event handlers, `javascript:`,
`data:` and `vbscript:` links (also obfuscated), SVG payloads, template syntax, bidi overrides and
zero-width characters, emoji and astral CJK, 100 KB lines, 1,000-level nesting. It passes
`shequn check` (warnings allowed). `tests/test_hostile.py` builds it and opens every page in
headless Chromium; it adds 10,000 answers to `many-answers` in a temporary copy.

The files are written by `generate.py` (the long lines and invisible characters matter: edit the
script and rerun it rather than editing the files by hand).
""")
print(sum(1 for p in ROOT.rglob("*") if p.is_file()), "files in", ROOT)
