import Vapor

/// What people call the fields the API names in code (`categoryCode` is 类别 / Category): pages say errors with these
/// names, never the codes. Each feature declares the names of its fields (`Feature.fieldNames`).
package struct FieldName: Sendable {
    package let zh: String
    package let en: String
    package init(_ zh: String, _ en: String) {
        self.zh = zh
        self.en = en
    }
}

extension Application {
    private struct FieldNamesKey: StorageKey { typealias Value = [String: FieldName] }

    package var fieldNames: [String: FieldName] {
        get { storage[FieldNamesKey.self] ?? [:] }
        set { storage[FieldNamesKey.self] = newValue }
    }
}

extension APIError {
    /// The message for a page in `lang`, in words: a missing or malformed field is named as people call it, and a
    /// field code quoted in the message (`[idNumber]`, `字段 page`) becomes its name.
    package func words(_ lang: Lang, names: [String: FieldName]) -> String {
        let name = field.flatMap { names[$0] ?? names[String($0.split(separator: ".").last ?? "")] }.map { lang.t($0.zh, $0.en) }
        if code == "missing_field", let name { return lang.t("请填写「\(name)」", "Please fill in \(name)") }
        if code == "invalid_field", let name, message.hasPrefix("字段 ") {
            return lang.t("「\(name)」的格式不对，请检查", "\(name) is not in the right form; please check it")
        }
        var said = text(lang)
        for (code, n) in names where said.contains(code) {
            let label = lang.t(n.zh, n.en)
            said = said.replacingOccurrences(of: "[\(code)]", with: lang.t("「\(label)」", label))
                .replacingOccurrences(of: "字段 \(code) ", with: "「\(label)」").replacingOccurrences(of: "field \(code) ", with: "\(label) ")
        }
        if let field, let name, said.hasPrefix("\(field)：") || said.hasPrefix("\(field): ") {
            said = name + said.dropFirst(field.count)
        }
        return said
    }
}

extension Request {
    /// An error as a page says it (see `APIError.words`).
    package func words(_ error: APIError) -> String { error.words(lang, names: application.fieldNames) }
}
