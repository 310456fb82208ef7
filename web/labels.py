"""Every word the pages show, in Chinese and English: the interface's phrases and the API's enum values."""

from __future__ import annotations

TEXT: dict[str, tuple[str, str]] = {
    "registry": ("调解组织和调解员名册", "Mediation Registry"),
    "skip": ("跳到正文", "Skip to content"),
    "home": ("首页", "Home"),
    "directory": ("公共名录", "Public directory"),
    "console": ("查询控制台", "Query console"),
    "docs": ("文档", "Documentation"),
    "api": ("GraphQL 接口", "GraphQL API"),
    "switch": ("English", "中文"),
    "home_intro": (
        "查找人民调解组织和调解员，查看法院特邀调解名册。",
        "Find mediation organizations and mediators, and the courts' lists of specially invited mediators.",
    ),
    "home_directory": (
        "按地区、专长和语言查找调解员和调解组织", "Search mediators and organizations by division, specialty and language"
    ),
    "home_console": ("在浏览器中运行 GraphQL 查询（无需联网）", "Run GraphQL queries in the browser (works offline)"),
    "home_docs": ("使用和运维说明（README）", "How to use and run the registry (README)"),
    "home_api": ("程序调用：POST /graphql", "For programs: POST /graphql"),
    "mediators": ("调解员", "Mediators"),
    "organizations": ("调解组织", "Organizations"),
    "search_mediators": ("查找调解员", "Find a mediator"),
    "search_organizations": ("查找调解组织", "Find an organization"),
    "province": ("省", "Province"),
    "city": ("市", "City"),
    "county": ("区县", "County"),
    "township": ("乡镇街道", "Township"),
    "any": ("不限", "Any"),
    "specialty": ("专长", "Specialty"),
    "language": ("语言", "Language"),
    "name": ("姓名或名称", "Name"),
    "kind": ("类型", "Kind"),
    "search": ("查找", "Search"),
    "choose_division": ("选择地区后点“下一级”可继续细分", "Choose a division, then “Next level” to narrow it"),
    "next_level": ("下一级", "Next level"),
    "found": ("共找到", "Found"),
    "results": ("条结果", "results"),
    "none_found": ("没有找到符合条件的结果。", "Nothing matches."),
    "next_page": ("下一页", "Next page"),
    "first_page": ("第一页", "First page"),
    "gender": ("性别", "Gender"),
    "specialties": ("专长", "Specialties"),
    "languages": ("语言", "Languages"),
    "memberships": ("所属调解组织", "Memberships"),
    "role": ("职务", "Role"),
    "term": ("任期", "Term"),
    "grade": ("当前等级", "Current grade"),
    "credentials": ("等级证书", "Grade credentials"),
    "scheme": ("等级标准", "Scheme"),
    "invited_by": ("特邀调解的法院", "Courts that invited them"),
    "none": ("无", "None"),
    "division": ("所在地区", "Division"),
    "address": ("地址", "Address"),
    "phone": ("公开电话", "Public phone"),
    "filing": ("备案编号", "Filing number"),
    "filed_at": ("备案日期", "Filed on"),
    "status": ("状态", "Status"),
    "sectors": ("调解领域", "Sectors"),
    "fee": ("是否收费", "Charges a fee"),
    "yes": ("是", "Yes"),
    "no": ("否", "No"),
    "members": ("调解员", "Members"),
    "invited_org_by": ("邀请本组织的法院", "Courts that invited this organization"),
    "court": ("法院", "Court"),
    "level": ("级别", "Level"),
    "invited_list": ("当前特邀调解名册", "Current specially invited list"),
    "panel": ("专业组", "Panel"),
    "panels": ("专业组", "Panels"),
    "how": ("方式", "How"),
    "through": ("所在组织", "Through"),
    "until": ("至", "until"),
    "published": ("已公布的名册", "Published lists"),
    "version": ("版本", "Version"),
    "published_at": ("公布时间", "Published"),
    "digest": ("摘要", "Digest"),
    "print_pdf": ("打印（PDF）", "Print (PDF)"),
    "not_found": ("未找到", "Not found"),
    "not_found_text": ("没有这条记录，或它不公开。", "There is no such record, or it is not public."),
    "bad_request": ("无法查询", "Cannot search"),
    "bad_request_text": (
        "这个查询的参数无效，请从第一页重新开始。", "The search's parameters are not valid; start again from the first page."
    ),
    "entries": ("名单", "Entries"),
    "mediator": ("调解员", "Mediator"),
    "organization": ("调解组织", "Organization"),
}

ENUMS: dict[str, dict[str, tuple[str, str]]] = {
    "Gender": {"MALE": ("男", "Male"), "FEMALE": ("女", "Female")},
    "Specialty": {
        "FAMILY": ("婚姻家庭", "Family"), "NEIGHBOURHOOD": ("邻里纠纷", "Neighbourhood"),
        "LAND_AND_PROPERTY": ("土地和房产", "Land and property"), "LABOUR": ("劳动争议", "Labour"),
        "ROAD_TRAFFIC": ("道路交通", "Road traffic"), "MEDICAL": ("医疗纠纷", "Medical"),
        "FINANCIAL_CONSUMER": ("金融消费", "Financial consumer"),
        "SECURITIES_AND_FUTURES": ("证券期货", "Securities and futures"),
        "INTELLECTUAL_PROPERTY": ("知识产权", "Intellectual property"), "MARITIME": ("海事海商", "Maritime"),
        "INTERNATIONAL_COMMERCIAL": ("国际商事", "International commercial"),
        "HK_MACAO_TAIWAN_OVERSEAS": ("涉港澳台侨", "Hong Kong, Macao, Taiwan and overseas"),
        "CONTRACT": ("合同纠纷", "Contract"), "CONSUMER": ("消费纠纷", "Consumer"),
        "CONSTRUCTION": ("建设工程", "Construction"), "ENVIRONMENT": ("环境资源", "Environment"),
    },
    "OrganizationKind": {
        "VILLAGE_COMMITTEE": ("村人民调解委员会", "Village committee"),
        "RESIDENTS_COMMITTEE": ("居民人民调解委员会", "Residents' committee"),
        "TOWNSHIP_COMMITTEE": ("乡镇人民调解委员会", "Township committee"),
        "STREET_COMMITTEE": ("街道人民调解委员会", "Street committee"),
        "ENTERPRISE_COMMITTEE": ("企业人民调解委员会", "Enterprise committee"),
        "INSTITUTION_COMMITTEE": ("事业单位人民调解委员会", "Institution committee"),
        "INDUSTRY_COMMITTEE": ("行业性人民调解委员会", "Industry committee"),
        "PROFESSIONAL_COMMITTEE": ("专业性人民调解委员会", "Professional committee"),
        "INDIVIDUAL_STUDIO": ("个人调解工作室", "Individual mediation studio"),
        "LAWYER_STUDIO": ("律师调解工作室", "Lawyer mediation studio"),
        "STATIONED_STUDIO": ("派驻调解工作室", "Stationed mediation studio"),
        "ONE_STOP_CENTRE": ("矛盾纠纷多元化解中心", "One-stop dispute resolution centre"),
        "ADMINISTRATIVE_MEDIATION": ("行政调解组织", "Administrative mediation"),
        "COMMERCIAL_MEDIATION": ("商事调解组织", "Commercial mediation"),
        "INDUSTRY_MEDIATION": ("行业调解组织", "Industry mediation"),
    },
    "MembershipRole": {
        "CHAIR": ("主任", "Chair"), "VICE_CHAIR": ("副主任", "Vice chair"),
        "MEMBER": ("委员", "Member"), "ENGAGED": ("聘任调解员", "Engaged mediator"),
    },
    "CourtLevel": {
        "SUPREME": ("最高人民法院", "Supreme"), "HIGH": ("高级人民法院", "High"),
        "INTERMEDIATE": ("中级人民法院", "Intermediate"), "BASIC": ("基层人民法院", "Basic"),
        "TRIBUNAL": ("人民法庭", "Tribunal"),
    },
    "JurisdictionLevel": {
        "PROVINCE": ("省级", "Province"), "CITY": ("市级", "City"), "COUNTY": ("县级", "County"),
        "TOWNSHIP": ("乡级", "Township"), "VILLAGE": ("村级", "Village"),
    },
    "RecordStatus": {
        "PENDING": ("待备案", "Pending"), "FILED": ("已备案", "Filed"),
        "SUSPENDED": ("暂停", "Suspended"), "DEREGISTERED": ("已注销", "Deregistered"),
    },
    "InvitedHow": {
        "DIRECT": ("直接特邀", "Invited directly"), "THROUGH_ORGANIZATION": ("随组织特邀", "Through an invited organization"),
        "ADOPTED": ("沿用上级法院名册", "Adopted from a higher court"),
    },
    "Language": {
        "zh": ("普通话", "Mandarin"), "yue": ("粤语", "Cantonese"), "en": ("英语", "English"),
        "bo": ("藏语", "Tibetan"), "ii": ("彝语", "Yi"), "ug": ("维吾尔语", "Uyghur"), "mn": ("蒙古语", "Mongolian"),
        "za": ("壮语", "Zhuang"),
    },
}


def text(key: str, lang: str) -> str:
    """An interface phrase in `lang` (`zh` or `en`)."""
    chinese, english = TEXT[key]
    return english if lang == "en" else chinese


def label(enum: str, value: str | None, lang: str) -> str:
    """An enum value's proper name in `lang`; a value the table does not know is shown as it is."""
    if value is None:
        return ""
    names = ENUMS[enum].get(value)
    if names is None:
        return value
    return names[1] if lang == "en" else names[0]
