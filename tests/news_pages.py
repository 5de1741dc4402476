"""Real-looking news pages for the story, topic and dashboard tests.

Three distinct H20 stories (spring prices, a price drop, a supply report), a repost of the
first one in traditional script with another outlet's boilerplate, a repost
with its last paragraph cut, and a phone review that mentions a GPU in passing.
Written for these tests; the reposts are made with OpenCC, as syndicators do.
"""

from __future__ import annotations

from html import escape

import opencc

H20_PRICE_DROP = [
    "据多家渠道商透露，英伟达H20芯片近期现货价格明显回落。目前单张H20售价约为10万元，较年初下降逾两成，"
    "搭载8张H20的服务器整机报价已降至110万元左右。",
    "渠道商表示，价格回落主要受两方面因素影响：一是美国出口管制政策变化导致部分客户持观望态度，"
    "二是国产算力芯片的交付能力持续提升，大型互联网企业的采购重心正在转移。",
    "一位长期从事服务器分销的业内人士告诉记者，今年一季度H20还处于供不应求的状态，"
    "不少客户需要提前数周预订，如今库存已明显增加，部分经销商开始主动降价清货。",
    "分析人士认为，随着国产训练芯片生态逐步完善，英伟达在国内数据中心市场的份额仍将承压，"
    "H20的价格走势值得持续关注。",
]
H20_SUPPLY = [
    "英伟达面向中国市场推出的H20芯片再度成为焦点。有消息称，英伟达已通知部分中国客户，"
    "因新的许可要求，H20的后续批次交付时间将推迟至下一季度。",
    "据悉，此前多家云服务厂商已下达大额订单，用于扩充大模型推理集群。交付延迟可能迫使这些企业调整"
    "数据中心建设节奏，转而增加对国产加速卡的测试与部署。",
    "英伟达发言人未对具体交付安排置评，仅表示公司将继续遵守所有适用的出口法规，"
    "并与客户保持密切沟通。",
    "市场研究机构指出，今年中国市场的AI服务器出货量仍将保持增长，但供应链的不确定性明显上升。",
]
H20_SPRING = [
    "受算力需求拉动，英伟达H20芯片在国内市场持续走俏。记者从华强北多家商户了解到，"
    "H20单卡报价约13万元人民币，部分现货甚至需要加价才能拿到。",
    "一位商户表示，近期前来询价的多为中小型云计算公司和高校实验室，订单规模普遍在数十张到上百张不等。",
    "业内人士提醒，出口管制政策存在变数，采购方应关注货源合规性与售后保障。",
]
PHONE_REVIEW = [
    "这款新机搭载了全新一代旗舰处理器，日常使用流畅，游戏表现也相当出色。",
    "屏幕方面采用6.8英寸曲面屏，峰值亮度达到3000尼特，户外可视性很好。",
    "续航方面，5500毫安电池配合100W快充，半小时即可充满。新机的GPU在高画质下也能保持稳定帧率。",
    "售价方面，12GB+256GB版本售价4999元，首销期间优惠300元。",
]
BOILERPLATE = (
    "【本文來源：科技日報網】",
    "免責聲明：本文僅代表作者個人觀點，與本站無關。轉載請註明出處，責任編輯：王小明。",
)


def traditional(paragraphs: list[str]) -> list[str]:
    converter = opencc.OpenCC("s2t")
    return [converter.convert(p) for p in paragraphs]


def page(title: str, paragraphs: list[str], published: str, site: str) -> bytes:
    """A news page with the furniture real sites have around the article."""
    body = "".join(f"<p>{escape(p)}</p>" for p in paragraphs)
    return f"""<!DOCTYPE html>
<html lang="zh"><head><meta charset="utf-8"><title>{escape(title)} - {escape(site)}</title>
<meta property="article:published_time" content="{published}T09:00:00+08:00"></head>
<body><nav><a href="/">首页</a> <a href="/tech">科技</a> <a href="/finance">财经</a></nav>
<article><h1>{escape(title)}</h1><div class="meta">{published} 09:00 来源：{escape(site)}</div>
{body}</article>
<aside><h3>热门推荐</h3><ul><li><a href="/a/1">某品牌发布新款笔记本</a></li>
<li><a href="/a/2">新能源汽车销量创新高</a></li></ul></aside>
<footer>© 2025 {escape(site)} 版权所有</footer></body></html>""".encode()
