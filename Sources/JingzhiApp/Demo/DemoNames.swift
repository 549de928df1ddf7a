import Foundation
import JingzhiCore

/// Word lists for the demo data: people's names, compound and community names, visit notes.
enum DemoNames {
    // MARK: People

    /// Common surnames, most frequent first; weights fall off roughly as in national statistics.
    static let surnames: Weighted<String> = {
        let list = Array("王李张刘陈杨赵黄周吴孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤").map(String.init)
        return Weighted(list.enumerated().map { i, s in (s, i < 4 ? 10.0 - Double(i) * 0.5 : 60.0 / Double(i + 4)) })
    }()

    /// Given names by the era of birth (before 1960, 1960–1989, from 1990) and sex.
    static let oldMale = ["建国", "建华", "国庆", "国强", "志强", "志刚", "德胜", "德福", "长林", "永生", "振华", "玉成",
                          "庆祥", "福来", "宝山", "金生", "广田", "守义", "传林", "继承", "保国", "卫东", "立新", "文明",
                          "连生", "兆丰", "洪亮", "树林", "学礼", "庆云", "繁荣", "殿臣", "秀山", "凤岐", "成", "贵", "顺", "福"]
    static let oldFemale = ["秀英", "桂兰", "桂英", "玉兰", "秀兰", "凤英", "淑珍", "秀珍", "玉珍", "兰英", "翠花", "桂芳",
                            "秀云", "玉梅", "素芳", "凤兰", "淑华", "春兰", "秀荣", "金凤", "月英", "爱华", "美兰", "秀梅",
                            "玉芝", "素珍", "淑英", "桂珍", "荣", "英", "兰", "芝"]
    static let midMale = ["伟", "强", "磊", "军", "勇", "杰", "涛", "斌", "超", "明", "刚", "平", "辉", "鹏", "华", "飞",
                          "波", "峰", "亮", "健", "东", "林", "海", "永强", "海涛", "建军", "红军", "晓东", "志勇", "学军",
                          "春雷", "庆华", "振宇", "新民", "卫国", "爱民", "利民", "光辉", "宏伟", "俊峰", "立军", "建伟"]
    static let midFemale = ["芳", "娜", "敏", "静", "丽", "艳", "娟", "霞", "燕", "红", "玲", "萍", "梅", "琳", "慧", "颖",
                            "晶", "莉", "丽娟", "晓燕", "红梅", "海燕", "春燕", "秀娟", "丽华", "艳红", "雪梅", "冬梅",
                            "晓丽", "玉洁", "金花", "彩霞", "丽萍", "翠萍", "玉红", "桂香", "晓红", "爱玲"]
    static let youngMale = ["浩然", "子轩", "宇轩", "梓豪", "俊杰", "博文", "一鸣", "天佑", "皓轩", "思远", "铭泽", "嘉豪",
                            "明轩", "宇航", "睿", "晨", "昊", "轩", "泽", "博", "鑫", "浩宇", "文博", "志远", "家乐",
                            "子墨", "奕辰", "沐阳", "锦程", "佳豪", "梓睿", "俊熙", "雨泽", "浩", "凯", "帅", "阳"]
    static let youngFemale = ["子涵", "梓萱", "欣怡", "诗涵", "雨涵", "可欣", "佳怡", "思雨", "梦琪", "雨桐", "一诺",
                              "欣妍", "语桐", "梓涵", "若汐", "婉清", "佳琪", "紫萱", "悦", "琪", "萱", "婷", "洁",
                              "雪", "彤", "雅琪", "思琪", "心怡", "晓彤", "梓琪", "诗雨", "佳欣", "雨萱", "依诺"]

    static func givenName(birthYear: Int, male: Bool, _ rng: inout DemoRandom) -> String {
        switch (birthYear, male) {
        case (..<1960, true): rng.pick(oldMale)
        case (..<1960, false): rng.pick(oldFemale)
        case (..<1990, true): rng.pick(midMale)
        case (..<1990, false): rng.pick(midFemale)
        case (_, true): rng.pick(youngMale)
        case (_, false): rng.pick(youngFemale)
        }
    }

    static func surname(_ rng: inout DemoRandom) -> String { rng.pick(surnames) }

    /// A full name for an adult of working age (grid workers, Party secretaries, staff).
    static func adultName(_ rng: inout DemoRandom) -> String {
        let male = rng.chance(0.5)
        return surname(&rng) + givenName(birthYear: rng.int(in: 1966...1996), male: male, &rng)
    }

    // MARK: Places

    /// Chinese numerals for grid names: 1 → 一, 12 → 十二, 20 → 二十.
    static func numeral(_ n: Int) -> String {
        let digits = Array("零一二三四五六七八九")
        if n < 10 { return String(digits[n]) }
        if n < 20 { return "十" + (n % 10 == 0 ? "" : String(digits[n % 10])) }
        if n < 100 { return String(digits[n / 10]) + "十" + (n % 10 == 0 ? "" : String(digits[n % 10])) }
        return String(n)
    }

    static func gridName(_ ordinal: Int) -> String { "第\(numeral(ordinal))网格" }

    /// Name stems for new commercial compounds (商住小区).
    static let commercialStems = ["幸福", "滨湖", "湖畔", "金色", "阳光", "锦绣", "盛世", "御景", "翰林", "书香", "龙港",
                                  "丽景", "凤凰", "香榭", "世纪", "康居", "和谐", "兴隆", "望湖", "澜湾", "鹿鸣", "清河",
                                  "运河", "水韵", "江南", "中央", "天成", "泰和", "金鼎", "东方", "明珠", "紫薇", "桂花",
                                  "玉兰", "银河", "锦华", "瑞祥", "嘉和", "永安", "长青", "香山", "南湖", "北湖", "东湖",
                                  "新华", "振兴", "文昌", "学府", "状元", "荷塘", "莲花", "稻香", "润泽", "馨园", "怡景",
                                  "君悦", "观澜", "华庭", "鸿福", "福润", "康乐", "丰泽", "翡翠", "星河", "时代", "未来"]
    static let commercialSuffixes = ["家园", "花园", "嘉园", "名苑", "华府", "雅居", "公馆", "花苑", "丽都", "新城",
                                     "尚城", "锦园", "佳苑", "雅苑", "御府", "首府", "城", "湾", "府", "名居"]
    /// Old compounds (老旧小区): work-unit housing and plainly named estates of the 1980s–90s.
    static let workUnits = ["供销社", "粮食局", "县医院", "农机公司", "棉纺厂", "化肥厂", "电业局", "烟草公司", "邮电局",
                            "教育局", "水利局", "交通局", "建筑公司", "食品公司", "物资局", "农业银行", "工商银行",
                            "人民医院", "酒厂", "造纸厂", "税务局", "法院", "检察院", "公安局", "林业局", "自来水公司"]
    static let oldStems = ["人民", "建设", "文化", "民主", "团结", "东关", "西关", "南关", "北关", "府前", "育才", "工人",
                           "胜利", "友谊", "红旗", "向阳", "光明", "解放", "和平", "新华", "东风", "前进", "健康", "长安",
                           "教师", "电力", "物资", "车站", "百货", "机关"]
    static let oldSuffixes = ["小区", "新村", "小区", "里", "小区"]
    /// Villages whose people were rehoused (回迁小区).
    static let villageStems = ["王庙", "李集", "张黄", "唐马", "老砦", "罗屯", "鹿洼", "武台", "大闵", "孙庄", "周堂",
                               "刘庄", "陈庄", "赵庙", "马庄", "杨庄", "前王", "后李", "东张", "西刘", "南陈", "北孙",
                               "高庄", "郭集", "吕庄", "崔庄", "河口", "姚楼", "田庄", "程庄"]
    static let villageSuffixes = ["新村", "安置小区", "佳苑", "新居", "家园", "社区"]

    static let communityStems = ["东岭", "石坝", "新福", "太寅", "马营", "西岐", "凤鸣", "石鼓", "宝光", "渭水", "秦岭",
                                 "金顶", "川陕", "十里铺", "东仁", "西虢", "姜城", "渭阳", "清姜", "峪泉", "斗鸡", "蟠龙",
                                 "卧龙", "陈仓", "群众", "东风", "中山", "经二", "经一", "红旗", "公园", "胜利", "解放",
                                 "建设", "文化", "和平", "先锋", "光明", "幸福", "长青", "新华", "友谊", "团结", "民主",
                                 "联盟", "永丰", "宏文", "植物园", "火车站", "高新", "科技", "英达", "千渭", "金河",
                                 "蒙峪", "汇丰", "益门", "神农", "炎帝", "周原", "秦川", "金台", "渭滨", "行政", "翠园",
                                 "三迪", "桥南", "五里庙", "苟家岭", "斗中", "旭光", "曙光", "启明", "虹桥", "双拥"]
    static let communitySuffixes = ["", "", "路", "园", "新村", "里", "苑"]

    // MARK: Visits

    static let visitNotes: [String: [String]] = [
        "关爱探访": ["了解老人身体状况，叮嘱注意防寒", "帮助老人预约家庭医生上门体检", "检查燃气灶具和烟感报警器，提醒用火安全",
                 "陪老人聊天，了解近期生活需求", "为老人送去米面油等慰问品", "协助老人办理高龄补贴认证",
                 "提醒老人按时服药，留下网格员联系电话", "查看智能水表用水情况，老人生活正常"],
        "入户走访": ["核实家庭人口信息，更新登记表", "了解住户对小区物业服务的意见", "排查电动车楼道充电隐患",
                 "登记家庭成员就业情况", "收集居民对老旧小区改造的建议", "核对出租房屋租客信息", "家中无人，已留联系卡"],
        "民情三访": ["走访了解邻里纠纷，已调解", "收集居民关于停车难的诉求，转交社区", "了解居民对小区绿化的意见",
                 "居民反映楼道灯损坏，已报修", "听取居民对社区食堂菜品的建议", "居民反映下水道堵塞，已联系物业疏通"],
        "政策宣传": ["宣传医保缴费政策，协助线上缴费", "宣传防范电信诈骗知识，发放宣传册", "宣传垃圾分类知识",
                 "讲解城乡居民养老保险政策", "宣传消防安全知识，讲解灭火器使用", "宣传智慧社区平台注册和使用方法"],
    ]

    /// A Party organisation name for a compound: 幸福家园小区党支部, 鱼城小区党支部.
    static func compoundPartyOrg(_ name: String) -> String {
        name.hasSuffix("小区") ? name + "党支部" : name + "小区党支部"
    }
}

/// Makes place names that do not repeat inside one naming scope (a county, or a city street).
struct NameBook {
    private var used: Set<String> = []

    mutating func reset() { used = [] }

    mutating func reserve(_ name: String) { used.insert(name) }

    /// A fresh name from `make`; after a few collisions, a second or third phase (二期, 三期) of one.
    mutating func fresh(_ rng: inout DemoRandom, _ make: (inout DemoRandom) -> String) -> String {
        for _ in 0..<12 {
            let name = make(&rng)
            if used.insert(name).inserted { return name }
        }
        let base = make(&rng)
        for phase in 2...99 {
            let name = base + DemoNames.numeral(phase) + "期"
            if used.insert(name).inserted { return name }
        }
        return base
    }

    static func compound(_ cls: CompoundClass, regionStems: [String], _ rng: inout DemoRandom) -> String {
        switch cls {
        case .commercial:
            let stem = rng.chance(0.2) ? rng.pick(regionStems) : rng.pick(DemoNames.commercialStems)
            return stem + rng.pick(DemoNames.commercialSuffixes)
        case .old:
            if rng.chance(0.4) { return rng.pick(DemoNames.workUnits) + (rng.chance(0.6) ? "家属院" : "宿舍") }
            let stem = rng.chance(0.2) ? rng.pick(regionStems) : rng.pick(DemoNames.oldStems)
            return stem + rng.pick(DemoNames.oldSuffixes)
        case .resettled:
            return rng.pick(DemoNames.villageStems) + rng.pick(DemoNames.villageSuffixes)
        }
    }

    static func community(_ rng: inout DemoRandom) -> String {
        rng.pick(DemoNames.communityStems) + rng.pick(DemoNames.communitySuffixes) + "社区"
    }
}

/// The three classes of compound in 小区分类管理.
enum CompoundClass: String, CaseIterable {
    case commercial = "商住小区"
    case old = "老旧小区"
    case resettled = "回迁小区"
}
