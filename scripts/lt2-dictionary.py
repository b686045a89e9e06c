#!/usr/bin/env python3
"""Writes schemas/lt2-dictionary-1.bin, the preset deflate dictionary of the LT2 credential format.

The dictionary is part of the format (docs/format.md §12): once published it never changes. A new
dictionary gets a new file, a new id in the protected header and a new zlib DICTID; readers keep the old
one. Run this only to check that the committed file is what these lists produce:

    python3 scripts/lt2-dictionary.py --check

Deflate codes a match by its distance back, and nearer matches cost fewer bits, so the strings a
credential uses most are written last. Only the last 32 KiB of a dictionary can be used; this one is
far smaller.
"""
import hashlib
import pathlib
import sys

# Place names a licence's holder, authority and address draw on, Chongqing's districts and counties and
# Sichuan's prefecture-level divisions and Chengdu's districts (GB/T 2260 names).
PLACES = """
城口县 巫溪县 巫山县 奉节县 云阳县 忠县 垫江县 丰都县 石柱土家族自治县 秀山土家族苗族自治县
酉阳土家族苗族自治县 彭水苗族土家族自治县 开州区 梁平区 武隆区 城口 巫溪 巫山 奉节 云阳 垫江 丰都 石柱 秀山 酉阳 彭水
黔江区 长寿区 江津区 合川区 永川区 南川区 綦江区 大足区 璧山区 铜梁区 潼南区 荣昌区 万州区 涪陵区
大渡口区 江北区 沙坪坝区 九龙坡区 南岸区 北碚区 渝北区 巴南区 两江新区 西部科学城 渝中区
阿坝藏族羌族自治州 甘孜藏族自治州 凉山彝族自治州 自贡市 攀枝花市 泸州市 德阳市 绵阳市 广元市 遂宁市 内江市
乐山市 南充市 眉山市 宜宾市 广安市 达州市 雅安市 巴中市 资阳市
龙泉驿区 青白江区 新都区 温江区 双流区 郫都区 新津区 简阳市 都江堰市 彭州市 邛崃市 崇州市
锦江区 青羊区 金牛区 武侯区 成华区 高新区 天府新区 成都市
"""

# Words of holders' names and of the attributes of the shipped licence types (registered capital in
# capital numerals, business formats and items, qualification levels, nationalities).
WORDS = """
澳大利亚 加拿大 新加坡 意大利 西班牙 俄罗斯 韩国 日本 法国 美国 德国 英国
初级 中级 助理工程师 工程师 正高级工程师 高级工程师 经济师 会计师 土木工程 建筑工程 机械工程 电气工程 计算机
单位食堂 食品销售经营者 餐饮服务经营者 预包装食品（含冷藏冷冻食品）销售 散装食品销售 热食类食品制售 冷食类食品制售 糕点类食品制售 自制饮品制售
施工总承包 专业承包 建筑施工
个体工商户 个人独资企业 合伙企业 股份有限公司 有限责任公司（自然人投资或控股） 有限责任公司（自然人独资） 有限责任公司
零 壹 贰 叁 肆 伍 陆 柒 捌 玖 拾 佰 仟 万元整 佰万元整 仟万元整 壹佰万元整 伍佰万元整 壹仟万元整
商贸 贸易 实业 投资 发展 咨询 服务 管理 信息技术 电子商务 物流 汽车 文化传播 建设工程 建筑工程 科技 餐饮管理 餐饮 火锅 小吃 食品
集团 股份 分公司 有限公司 重庆 成都 四川
（重）JZ安许证字 （川）JZ安许证字 安许证字 JY1500 JY1510 CQGJ SCGJ
"""

# The issuing side: authority names and the names of the shipped licence types.
AUTHORITIES = """
国家外国专家局 科学技术部 人力资源和社会保障部 住房和城乡建设部 国家市场监督管理总局
科学技术局 科学技术厅 人力资源和社会保障局 人力资源和社会保障厅 住房和城乡建设委员会 住房和城乡建设厅 市场监督管理局
外国人工作许可证 专业技术资格证书 建筑施工企业安全生产许可证 食品经营许可证 营业执照
重庆市 四川省
"""

# Credit-code and type-code prefixes: state organs of Chongqing (115000…) and Sichuan (115100…), the
# shipped type codes, and the usual prefix of a company's code (91 + division).
CODES = [
    "11100000MB0400004E001", "11100000MB0300003Q001", "11100000MB02000023001",
    "11100000MB0100001D002", "11100000MB0100001D001",
    "915001", "915101", "11500000", "11510000",
]

# CBOR fragments of LT2 (docs/format.md §12.2): the envelope and protected header for each algorithm,
# the claim keys, and the usual heads of the area code and of dates.
CBOR = [
    bytes.fromhex("d28453a301260448"),                # COSE_Sign1, protected {1: -7 (ES256), 4: kid…
    bytes.fromhex("d28457a3013a00010001" "0448"),      # …or {1: -65538 (SM2-SM3), 4: kid…
    bytes.fromhex("3a0001000001a058"),                # …-65537: dictionary 1}, unprotected {}, payload bstr
    bytes.fromhex("3a00010001820119"),                # status reference [list 1, index…
    bytes.fromhex("081a0007"),                        # area code 50…/51…
    bytes.fromhex("09194f"), bytes.fromhex("091950"),  # issue dates 2025-2027
    bytes.fromhex("5840"),                            # the 64-byte signature
    bytes.fromhex("a40172"),                          # claims {1: iss (18 characters)…
    bytes.fromhex("061a69"), bytes.fromhex("3a00010000"),  # iat 2026…, the licence claim
]


def build() -> bytes:
    parts = []
    for block in (PLACES, WORDS, AUTHORITIES):
        parts.extend(word.encode("utf-8") for word in block.split())
    parts.extend(code.encode("ascii") for code in CODES)
    parts.extend(CBOR)
    return b"".join(parts)


def main() -> int:
    target = pathlib.Path(__file__).resolve().parent.parent / "schemas" / "lt2-dictionary-1.bin"
    data = build()
    if "--check" in sys.argv:
        same = target.read_bytes() == data
        print(f"{target.name}: {'matches' if same else 'DIFFERS from'} the lists ({len(data)} bytes, sha256 {hashlib.sha256(data).hexdigest()})")
        return 0 if same else 1
    target.write_bytes(data)
    print(f"wrote {target} ({len(data)} bytes, sha256 {hashlib.sha256(data).hexdigest()})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
