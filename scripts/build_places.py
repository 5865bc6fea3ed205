"""Build corpus_tools/data/places.tsv.gz, the gazetteer of text/places.py.

Source: the national statistical division codes (国家统计局《统计用区划和城乡划分代码》2023,
cut-off 2023-06-30, released 2023-09-11) as transcribed in github.com/modood/
Administrative-divisions-of-China, commit 57a0aa9cef47169a2eb74cf057b0245052a34e8c (WTFPL),
files dist/provinces.csv, cities.csv, areas.csv, streets.csv; plus the county-level changes
since then that the 民政部 has published (see SUPPLEMENT) and the three provincial-level units
the statistical codes leave out (Hong Kong, Macao, Taiwan, GB/T 2260 codes).

Short forms (贵州 for 贵州省, 遵义 for 遵义市, 湄潭 for 湄潭县, 黔南州 for 黔南布依族苗族自治州) are
derived here by rule. A short form is *guarded* (matched alone only inside a list of places
or right after its parent) when it is also an ordinary word: its frequency in jieba's
dictionary (MIT) is high, or it is in COMMON_WORDS (found by reading the matches on the
shared corpora). Run from the repository root::

    python scripts/build_places.py MODOOD_DIST_DIR [--jieba-dict PATH]
"""

from __future__ import annotations

import argparse
import csv
import gzip
import io
import sys
from pathlib import Path

OUT = Path("corpus_tools/data/places.tsv.gz")
WORDS_OUT = Path("corpus_tools/data/place_words.txt.gz")

# County-level changes after the 2023 statistical codes (民政部 codes; checked against the
# 国家地名信息库 county-level records): the two counties set up in 和田地区 in December 2024,
# and the districts of 三沙市 (2020) that the statistical codes list as island groups.
SUPPLEMENT = [
    ("653228", "和康县"),
    ("653229", "和安县"),
    ("460302", "西沙区"),
    ("460303", "南沙区"),
]
DROPPED = {"460321", "460322", "460323"}  # 西沙群岛, 南沙群岛, 中沙群岛的岛礁及其海域
EXTRA_PROVINCES = [
    ("710000", "台湾省", "台湾"),
    ("810000", "香港特别行政区", "香港"),
    ("820000", "澳门特别行政区", "澳门"),
]


# The 56 nationalities, as they appear in the names of autonomous areas (with or without 族),
# and 各族 (龙胜各族自治县).
def _split(words: str) -> list[str]:
    return words.split()


ETHNIC = _split(
    "汉 蒙古 回 藏 维吾尔 苗 彝 壮 布依 朝鲜 满 侗 瑶 白 土家 哈尼 哈萨克 傣 黎 傈僳 佤 畲 高山 拉祜 水"
    " 东乡 纳西 景颇 柯尔克孜 土 达斡尔 仫佬 羌 布朗 撒拉 毛南 仡佬 锡伯 阿昌 普米 塔吉克 怒 乌孜别克"
    " 俄罗斯 鄂温克 德昂 保安 裕固 京 塔塔尔 独龙 鄂伦春 赫哲 门巴 珞巴 基诺 各"
)

# Full names that are ordinary words: matched only right after their parent (长治市城区).
GENERIC_FULL = {"城区", "郊区", "矿区", "东区", "西区", "南区", "北区", "中区", "新区"}

# Short forms that are ordinary words or names of other things (龙江 for 黑龙江, 雅江 for the
# 雅鲁藏布江, 三江源), found by reading the matches on the shared corpora (provincial reports,
# regulations, 新闻联播 transcripts).
COMMON_WORDS = set(
    _split(
        """
    和平 新华 长安 永安 平安 光明 红旗 东方 资源 富民 共和 通道 大方 平原 城关 江南 江北 河西 河东
    城中 城东 城西 城南 城北 新城 东城 西城 南城 北城 先锋 前进 胜利 向阳 振兴 新兴 兴业 团结 友好
    文山 白银 阿里 海西 来宾 安康 日照 朝阳 中山 西湖 鼓楼 太平 安宁 大同 清河 清水 市中 青山
    和顺 通江 雅江 龙江 三江 惠民 安居 乐业 磐石 双城 惠农 同德 滨江 老城 麒麟 紫金 龙湖 大通 江口
    临海 古城 山城 盐湖 太湖 长白 祁连 贺兰 嘉陵 红山 东乡 鄂伦春 鄂温克 大庆
    """
    )
)

# A township must end with one of these (街道办事处 is shortened to 街道).
TOWNSHIP_SUFFIXES = ("街道", "镇", "乡", "苏木")
#: jieba dictionary frequency from which a county short form is taken for an ordinary word
#: (新建, 中原, 天山, 古城: jieba tags many of them ns, so the tag is no help).
JIEBA_COMMON = 150
#: ... and from which a township name is one (小城镇, 中心镇).
JIEBA_TOWNSHIP = 5
#: Words of jieba's dictionary at least this frequent, 2-4 characters, are written to
#: place_words.txt.gz: a short form that a word overlaps (美丽江苏, 长治久安, 惠民生) is no place.
WORD_MIN = 20
#: Names of other things that begin with a place name and that jieba lacks (北京时间 is a
#: time, 上海合作组织 an organisation), found in the 新闻联播 transcripts.
EXTRA_WORDS = ("北京时间", "上海合作", "岱青海蓝")


def read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def strip_ethnic(stem: str) -> str:
    """兰坪白族普米族 -> 兰坪; 巴里坤哈萨克 -> 巴里坤."""
    names = sorted(ETHNIC, key=len, reverse=True)
    changed = True
    while changed:
        changed = False
        for e in names:
            for form in (e + "族", e if len(e) > 1 else None):
                if form and stem.endswith(form) and len(stem) > len(form):
                    stem = stem[: -len(form)]
                    changed = True
                    break
            if changed:
                break
    return stem


def province_short(name: str) -> str:
    for suffix in ("维吾尔自治区", "壮族自治区", "回族自治区", "自治区", "特别行政区", "省", "市"):
        if name.endswith(suffix):
            return name[: -len(suffix)]
    return name


def city_short(name: str) -> list[str]:
    if name.endswith("自治州"):
        stem = strip_ethnic(name[:-3])
        return [stem, stem + "州"]
    for suffix in ("地区", "盟", "市"):
        if name.endswith(suffix):
            return [name[: -len(suffix)]]
    return []


def county_short(name: str) -> list[str]:
    for suffix, keep in (("自治县", "县"), ("自治旗", "旗")):
        if name.endswith(suffix):
            full = name[: -len(suffix)]
            stem = strip_ethnic(full)
            if stem == full and full.removesuffix("族") in ETHNIC:
                stem = full.removesuffix("族")  # 东乡族自治县, 鄂伦春自治旗: named after its people
            elif stem == full:
                return []
            return [stem, stem + keep]
    if name.endswith(("左旗", "右旗", "前旗", "后旗", "中旗")):
        return []
    if name == "神农架林区":  # the only 林区 (万柏林区 and 碑林区 are 区)
        return ["神农架"]
    for suffix in ("联合旗", "矿区", "特区", "新区", "行政委员会", "县", "区", "市", "旗"):
        stem = name[: -len(suffix)]
        if name.endswith(suffix) and len(stem) >= 2:  # 清新区 is 清新, not 清 + 新区
            return [strip_ethnic(stem) if stem.endswith("回族") else stem]  # 管城回族区
    return []


def jieba_words(path: Path | None) -> dict[str, int]:
    """Frequency of every word of jieba's dictionary."""
    if path is None:
        import jieba

        path = Path(jieba.__file__).parent / "dict.txt"
    freq: dict[str, int] = {}
    with path.open(encoding="utf-8") as fh:
        for line in fh:
            parts = line.split()
            if len(parts) >= 2:
                freq[parts[0]] = int(parts[1])
    return freq


Rows = list[tuple[str, str, str, list[str], list[str]]]


def divisions(src: Path) -> list[tuple[str, str, str]]:
    """(code, name, level P/C/D/T) of every division kept, from the statistical codes."""
    rows = [(r["code"].ljust(6, "0"), r["name"], "P") for r in read_csv(src / "provinces.csv")]
    rows += [(code, name, "P") for code, name, _ in EXTRA_PROVINCES]
    city_names: dict[str, str] = {}
    for r in read_csv(src / "cities.csv"):
        if r["name"] not in ("市辖区", "县") and "直辖" not in r["name"]:
            city_names[r["code"].ljust(6, "0")] = r["name"]
    rows += [(code, name, "C") for code, name in city_names.items()]
    for r in read_csv(src / "areas.csv"):
        code, name = r["code"], r["name"]
        # statistical zones (开发区), island groups, a city without counties (东莞市)
        if code[4] != "7" and code not in DROPPED and city_names.get(code[:4] + "00") != name:
            rows.append((code, name, "D"))
    rows += [(code, name, "D") for code, name in SUPPLEMENT]
    for r in read_csv(src / "streets.csv"):
        code, name = r["code"], r["name"]
        if name.endswith("街道办事处"):
            name = name[:-3]
        # 4xx/5xx codes are farms, zones and other units that are no townships
        if code[6] in "0123" and name.endswith(TOWNSHIP_SUFFIXES) and len(name) >= 3:
            rows.append((code, name, "T"))
    return rows


def short_forms(name: str, level: str, province_forms: set[str]) -> list[str]:
    if level == "P":
        shorts = [province_short(name)]
    elif level == "C":
        shorts = [f for f in city_short(name) if f not in province_forms]
    elif level == "D":
        shorts = [f for f in county_short(name) if f not in province_forms]
    else:
        shorts = []
    return [s for s in dict.fromkeys(shorts) if len(s) >= 2 and s != name]


def build(src: Path, freq: dict[str, int]) -> Rows:
    rows = divisions(src)
    province_forms = {province_short(n) for _, n, lv in rows if lv == "P"}
    out = []
    for code, name, level in sorted(rows):
        shorts = short_forms(name, level, province_forms)
        guarded = [
            s
            for s in shorts
            if s in COMMON_WORDS
            or (level == "D" and not s.endswith(("县", "旗")) and freq.get(s, 0) >= JIEBA_COMMON)
        ]
        if (level == "D" and name in GENERIC_FULL) or (
            level == "T" and freq.get(name, 0) >= JIEBA_TOWNSHIP
        ):
            guarded.append(name)
        out.append((code, name, level, [s for s in shorts if s not in guarded], guarded))
    return out


def words(rows: Rows, freq: dict[str, int]) -> list[str]:
    """Ordinary words (jieba) that may overlap a place name; the gazetteer's forms are left out."""
    forms = {n for _, n, _, _, _ in rows} | {s for r in rows for s in r[3] + r[4]}
    found = {w for w, f in freq.items() if f >= WORD_MIN and 2 <= len(w) <= 4 and w not in forms}
    return sorted(found | set(EXTRA_WORDS))


def write_words(items: list[str], path: Path) -> None:
    data = ("\n".join(items) + "\n").encode("utf-8")
    with path.open("wb") as raw, gzip.GzipFile(fileobj=raw, mode="wb", mtime=0) as gz:
        gz.write(data)


def write(rows: Rows, path: Path) -> None:
    buf = io.StringIO()
    buf.write("code\tname\tlevel\tshort\tguarded\n")
    for code, name, level, shorts, guarded in rows:
        buf.write(f"{code}\t{name}\t{level}\t{'|'.join(shorts)}\t{'|'.join(guarded)}\n")
    data = buf.getvalue().encode("utf-8")
    with path.open("wb") as raw, gzip.GzipFile(fileobj=raw, mode="wb", mtime=0) as gz:
        gz.write(data)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("modood_dist", type=Path, help="folder with provinces/cities/areas/streets.csv")
    ap.add_argument("--jieba-dict", type=Path, default=None)
    ap.add_argument("--out", type=Path, default=OUT)
    args = ap.parse_args(argv)
    freq = jieba_words(args.jieba_dict)
    rows = build(args.modood_dist, freq)
    write(rows, args.out)
    items = words(rows, freq)
    write_words(items, args.out.parent / WORDS_OUT.name)
    counts: dict[str, int] = {}
    for _, _, level, _, _ in rows:
        counts[level] = counts.get(level, 0) + 1
    print(f"{args.out}: {len(rows)} divisions {counts}; {len(items)} words", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
