"""Build the bundled sample site (samples/) from the two seed articles.

The pages wrap each seed text in the furniture a real Chinese news page has
(menu, breadcrumb, sidebar headlines naming other chips and prices, comments
with timestamps, a © footer), so that any leak of furniture into the article
text or its date shows up in the tests. Seed 000 is served as Big5 (cp950,
with a numeric character reference for 谘, which no Big5 variant holds) and
dates itself only in the page text; seed 002 is UTF-8 with a meta tag.

Usage: .venv/bin/python scripts/make_samples.py [SEEDS_DIR]
"""

from __future__ import annotations

import sys
from html import escape
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "samples"
DEFAULT_SEEDS = ROOT.parent / "shared" / "seeds"

SEED_000 = {
    "seed": "000_a1e0061fdccb3e38.txt",
    "file": "seed-000.html",
    "codec": "cp950",
    "charset": "big5",
    "title": "英偉達H20停供之後：中國AI芯片市場的新變量",
    "pub_date": "Wed, 28 May 2025 09:30:00 +0800",
}
SEED_002 = {
    "seed": "002_7e73793f6469196f.txt",
    "file": "seed-002.html",
    "codec": "utf-8",
    "charset": "utf-8",
    "title": "英偉達宣布Hopper架構退出中國市場 特供芯片路線生變",
    "pub_date": "Tue, 20 May 2025 14:32:00 +0800",
}

PAGE_000 = """<!DOCTYPE html>
<html lang="zh-Hant">
<head>
<meta charset="{charset}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title} | 科創觀察</title>
<meta name="keywords" content="英偉達,H20,AI芯片,半導體">
<meta name="description" content="英偉達停止向中國供應H20芯片，AI芯片市場格局生變。">
<link rel="stylesheet" href="/static/site.css">
</head>
<body>
<header class="site-header">
  <a class="logo" href="/">科創觀察</a>
  <nav class="main-nav">
    <ul>
      <li><a href="/">首頁</a></li>
      <li><a href="/tech/">科技</a></li>
      <li><a href="/semi/">半導體</a></li>
      <li><a href="/finance/">財經</a></li>
      <li><a href="/opinion/">評論</a></li>
    </ul>
  </nav>
</header>
<div class="breadcrumb"><a href="/">首頁</a> &gt; <a href="/semi/">半導體</a> &gt; 正文</div>
<main class="container">
  <div class="main-column">
    <h1 class="article-title">{title}</h1>
    <div class="article-info">
      <span class="author">記者 林子恒</span>
      <span class="time">發佈時間：2025年05月28日 09:30</span>
      <span class="source">來源：科創觀察</span>
    </div>
    <article class="article-content">
{paragraphs}
    </article>
    <div class="article-tags">標籤：<a href="/tag/nvidia">英偉達</a> <a href="/tag/ai-chip">AI芯片</a></div>
    <section class="comment-list" id="comments">
      <h3>網友評論（3）</h3>
      <div class="comment">
        <span class="user">阿明</span> <span class="comment-time">發表於 2025-06-01 10:12</span>
        <p>H20青春版什麼時候上市？聽說售價只要6500美元。</p>
      </div>
      <div class="comment">
        <span class="user">小陳的算力站</span> <span class="comment-time">2025年06月02日 08:15</span>
        <p>我們機房的B200已經排到明年了，一台8卡服務器報價超過300萬元。</p>
      </div>
      <div class="comment">
        <span class="user">tech_fan</span> <span class="comment-time">2026-01-03 21:40</span>
        <p>回頭看，MI308才是被低估的那張卡。</p>
      </div>
    </section>
  </div>
  <aside class="sidebar">
    <h3>熱門新聞</h3>
    <ul>
      <li><a href="/semi/20250527-mlu590.html">寒武紀思元590量產提速，單卡報價約8萬元</a> <span class="date">2025-05-27</span></li>
      <li><a href="/semi/20250526-mi325x.html">AMD MI325X 出貨預計翻倍，每小時租金降至2.1美元</a> <span class="date">2025-05-26</span></li>
      <li><a href="/semi/20250525-ascend920.html">華為昇騰920傳明年第一季度上市</a> <span class="date">2025-05-25</span></li>
      <li><a href="/semi/20250524-4090d.html">RTX 4090D零售價跌破1.2萬元</a> <span class="date">2025-05-24</span></li>
    </ul>
  </aside>
</main>
<footer class="site-footer">
  <p><a href="/about">關於我們</a> | <a href="/contact">聯絡我們</a> | <a href="/privacy">隱私政策</a></p>
  <p>© 2026 科創觀察 版權所有</p>
</footer>
</body>
</html>
"""

PAGE_002 = """<!DOCTYPE html>
<html lang="zh-CN">
<head>
<meta charset="{charset}">
<title>{title}_芯视界</title>
<meta name="keywords" content="英伟达,Hopper,H20,Blackwell">
<meta name="description" content="英伟达宣布彻底放弃Hopper架构对华出口。">
<meta property="og:type" content="article">
<meta property="og:title" content="{title}">
<meta property="og:url" content="https://www.xinshijie.example/news/nvidia-hopper-exit.html">
<meta property="article:published_time" content="2025-05-20T14:32:00+08:00">
<meta property="article:modified_time" content="2025-05-22T08:00:00+08:00">
<link rel="canonical" href="https://www.xinshijie.example/news/nvidia-hopper-exit.html">
</head>
<body>
<div class="top-bar">
  <div class="menu">
    <a href="/">首页</a> <a href="/chips/">芯片</a> <a href="/ai/">人工智能</a>
    <a href="/cloud/">云计算</a> <a href="/market/">行情</a>
  </div>
</div>
<div class="position">当前位置：<a href="/">首页</a> &gt; <a href="/chips/">芯片</a> &gt; 正文</div>
<div class="wrap">
  <div class="left">
    <div class="article-head">
      <h1>{title}</h1>
      <p class="byline">2025-05-20 14:32 <span>来源：芯视界</span> <span>作者：周明远</span></p>
    </div>
    <div class="article-body">
{paragraphs}
    </div>
    <div class="editor">责任编辑：王琳</div>
    <div id="comment-box" class="comments">
      <h3>热门评论</h3>
      <ul>
        <li><b>用户8848</b> <i>2025-05-21 09:10</i> H20青春版到底多少钱？有人说1.2万美元。</li>
        <li><b>深圳老周</b> <i>2025年12月30日</i> 昇腾910C的服务器现在也不便宜，整机报价近200万元。</li>
        <li><b>算力搬运工</b> <i>2026-02-14 23:05</i> 等B30A吧。</li>
      </ul>
    </div>
  </div>
  <div class="right sidebar">
    <h3>相关阅读</h3>
    <ul>
      <li><a href="/chips/b30a.html">英伟达B30A样品曝光 性能约为B300的一半</a></li>
      <li><a href="/chips/mi308.html">MI308租赁价跌至每小时1.8美元</a></li>
      <li><a href="/chips/dcu.html">海光深算三号流片成功 对标A100</a></li>
      <li><a href="/chips/gaudi3.html">英特尔Gaudi 3中国特供版报价曝光：约12.5万元</a></li>
    </ul>
  </div>
</div>
<div class="footer">
  <p>芯视界 版权所有 © 2026 京ICP备00000000号</p>
</div>
</body>
</html>
"""

FEED = """<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0">
<channel>
<title>chipwire samples</title>
<link>.</link>
<description>The two seed articles as news pages, for running the pipeline offline.</description>
{items}
</channel>
</rss>
"""

ITEM = """<item>
<title>{title}</title>
<link>{file}</link>
<guid isPermaLink="false">{file}</guid>
<pubDate>{pub_date}</pubDate>
</item>"""

SOURCES = """[[source]]
name = "samples"
kind = "path"
path = "feed.xml"
"""


def paragraphs(text: str) -> str:
    """One <p> per line keeps trafilatura's output line-for-line equal to the seed."""
    lines = [line for line in text.split("\n") if line]
    return "\n".join(
        f"      <h2>{escape(line, quote=False)}</h2>"
        if len(line) < 40 and not line.endswith("。")
        else f"      <p>{escape(line, quote=False)}</p>"
        for line in lines
    )


def write_page(spec: dict[str, str], template: str, seeds: Path) -> None:
    text = (seeds / spec["seed"]).read_text(encoding="utf-8")
    html = template.format(
        charset=spec["charset"], title=spec["title"], paragraphs=paragraphs(text)
    )
    (SAMPLES / spec["file"]).write_bytes(html.encode(spec["codec"], errors="xmlcharrefreplace"))


def main(argv: list[str]) -> None:
    seeds = Path(argv[1]) if len(argv) > 1 else DEFAULT_SEEDS
    SAMPLES.mkdir(exist_ok=True)
    write_page(SEED_000, PAGE_000, seeds)
    write_page(SEED_002, PAGE_002, seeds)
    items = "\n".join(ITEM.format(**spec) for spec in (SEED_000, SEED_002))
    (SAMPLES / "feed.xml").write_text(FEED.format(items=items), encoding="utf-8")
    (SAMPLES / "sources.toml").write_text(SOURCES, encoding="utf-8")


if __name__ == "__main__":
    main(sys.argv)
