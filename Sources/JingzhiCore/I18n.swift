import Vapor

/// Interface language. Simplified Chinese is the default; English is chosen per browser by cookie.
public enum Lang: String, Sendable {
    case zh, en

    package func t(_ zh: String, _ en: String) -> String { self == .zh ? zh : en }
}

extension Request {
    /// The language of this request: `?lang=` wins, then the `lang` cookie, then Chinese.
    package var lang: Lang {
        if let q = query[String.self, at: "lang"], let l = Lang(rawValue: q) { return l }
        if let c = cookies["lang"]?.string, let l = Lang(rawValue: c) { return l }
        return .zh
    }

    package func t(_ zh: String, _ en: String) -> String { lang.t(zh, en) }
}
