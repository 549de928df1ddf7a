import JingzhiCore
import Vapor

/// The rules of the monthly rating (物业定星、小区定级), configurable per county. See docs/property-rating.md.
struct ScoringConfig: Content, Equatable, Sendable {
    /// Weight of each input; an input without data that month is left out and the others share its weight.
    var weights: [String: Int]
    /// Complaints per 100 households at which the complaint input reaches 0 (it falls linearly from 1 at none).
    var complaintsPer100AtZero: Int
    /// Lowest score (out of 100) for 5, 4, 3 and 2 stars; below the last, 1 star.
    var starThresholds: [Int]
    /// Companies on each list at most.
    var listSize: Int
    /// The red list takes the best companies with at least this many stars…
    var redMinStars: Int
    /// …the black list the worst with at most this many.
    var blackMaxStars: Int

    static let inputs = ["response", "resolution", "satisfaction", "onTime", "complaints", "collection", "inspection", "residents"]
    static let inputNames = ["response": "响应率", "resolution": "解决率", "satisfaction": "满意率", "onTime": "按时办结率",
                             "complaints": "投诉率", "collection": "物业费收缴率", "inspection": "社区检查得分", "residents": "居民评价"]

    static let standard = ScoringConfig(
        weights: ["response": 10, "resolution": 15, "satisfaction": 20, "onTime": 10, "complaints": 10, "collection": 10, "inspection": 15, "residents": 10],
        complaintsPer100AtZero: 2, starThresholds: [90, 80, 70, 60], listSize: 3, redMinStars: 4, blackMaxStars: 2)

    func validated() throws -> ScoringConfig {
        guard Set(weights.keys) == Set(Self.inputs), weights.values.allSatisfy({ (0...100).contains($0) }), weights.values.reduce(0, +) > 0 else {
            throw APIError.invalid("weights", "权重须覆盖全部 8 项，每项 0–100 (weights must name all 8 inputs, each 0–100)")
        }
        guard starThresholds.count == 4, zip(starThresholds, starThresholds.dropFirst()).allSatisfy({ $0 > $1 }),
              starThresholds.allSatisfy({ (1...100).contains($0) }) else {
            throw APIError.invalid("starThresholds", "星级门槛须为 4 个递减的分数 (four decreasing scores)")
        }
        guard complaintsPer100AtZero > 0 else { throw APIError.invalid("complaintsPer100AtZero", "须大于零 (must be positive)") }
        guard (1...50).contains(listSize) else { throw APIError.invalid("listSize", "榜单人数须为 1–50 (1–50)") }
        guard (1...5).contains(redMinStars), (1...5).contains(blackMaxStars), blackMaxStars < redMinStars else {
            throw APIError.invalid("redMinStars", "红榜最低星级须高于黑榜最高星级 (red must need more stars than black allows)")
        }
        return self
    }
}

/// What a month's score is computed from, for one compound or (summed over its compounds) one company.
struct RatingInputs: Codable, Equatable, Sendable {
    struct Fraction: Codable, Equatable, Sendable {
        var num: Int
        var den: Int
        static func + (a: Fraction, b: Fraction) -> Fraction { Fraction(num: a.num + b.num, den: a.den + b.den) }
    }

    var households = 0
    /// Property-category cases (物业管理 and below) of the month: the four case rates.
    var response = Fraction(num: 0, den: 0)
    var resolution = Fraction(num: 0, den: 0)
    var satisfaction = Fraction(num: 0, den: 0)
    var onTime = Fraction(num: 0, den: 0)
    var propertyCases = 0
    /// Complaints about the company (投诉物业企业) filed that month.
    var complaints = 0
    var billedFen = 0
    var collectedFen = 0
    /// The community's inspection points of the month, out of the checklist's maximum.
    var inspectionPoints = 0
    var inspectionMax = 0
    /// Residents' ratings of the month: how many, and their stars added up.
    var ratings = 0
    var ratingStars = 0

    static func + (a: RatingInputs, b: RatingInputs) -> RatingInputs {
        RatingInputs(households: a.households + b.households, response: a.response + b.response, resolution: a.resolution + b.resolution,
                     satisfaction: a.satisfaction + b.satisfaction, onTime: a.onTime + b.onTime, propertyCases: a.propertyCases + b.propertyCases,
                     complaints: a.complaints + b.complaints, billedFen: Money.sum(a.billedFen, b.billedFen), collectedFen: Money.sum(a.collectedFen, b.collectedFen),
                     inspectionPoints: a.inspectionPoints + b.inspectionPoints, inspectionMax: a.inspectionMax + b.inspectionMax,
                     ratings: a.ratings + b.ratings, ratingStars: a.ratingStars + b.ratingStars)
    }

    /// Each input as a value from 0 to 1, or nil when there is nothing to judge by that month.
    func values(_ config: ScoringConfig) -> [String: Double] {
        func f(_ x: Fraction) -> Double? { x.den == 0 ? nil : Double(x.num) / Double(x.den) }
        var v: [String: Double] = [:]
        v["response"] = f(response)
        v["resolution"] = f(resolution)
        v["satisfaction"] = f(satisfaction)
        v["onTime"] = f(onTime)
        if households > 0 {
            let per100 = Double(complaints) * 100 / Double(households)
            v["complaints"] = max(0, 1 - per100 / Double(config.complaintsPer100AtZero))
        }
        if billedFen > 0 { v["collection"] = Double(collectedFen) / Double(billedFen) }
        if inspectionMax > 0 { v["inspection"] = Double(inspectionPoints) / Double(inspectionMax) }
        if ratings > 0 { v["residents"] = (Double(ratingStars) / Double(ratings) - 1) / 4 }
        return v
    }

    /// 100 × Σ weight·value / Σ weight over the inputs with data, in tenths of a point (87.5 → 875); nil without any data.
    func scoreTenths(_ config: ScoringConfig) -> Int? {
        let v = values(config)
        var weighted = 0.0, total = 0
        for (key, value) in v {
            let w = config.weights[key] ?? 0
            weighted += Double(w) * value
            total += w
        }
        guard total > 0 else { return nil }
        return Int((weighted / Double(total) * 1000).rounded())
    }
}

enum RatingRules {
    static func stars(_ tenths: Int, _ config: ScoringConfig) -> Int {
        for (i, t) in config.starThresholds.enumerated() where tenths >= t * 10 { return 5 - i }
        return 1
    }

    /// Red list: the best `listSize` with at least `redMinStars`; black list: the worst `listSize` with at most `blackMaxStars`.
    /// Equal scores go by name, so the lists never depend on the order rows were read.
    static func lists(_ rows: [(id: UUID, name: String, tenths: Int, stars: Int)], _ config: ScoringConfig) -> (red: [UUID], black: [UUID]) {
        let best = rows.sorted { ($0.tenths, $1.name) > ($1.tenths, $0.name) }
        let red = best.filter { $0.stars >= config.redMinStars }.prefix(config.listSize).map(\.id)
        let worst = rows.sorted { ($0.tenths, $0.name) < ($1.tenths, $1.name) }
        let black = worst.filter { $0.stars <= config.blackMaxStars && !red.contains($0.id) }.prefix(config.listSize).map(\.id)
        return (red, black)
    }
}
