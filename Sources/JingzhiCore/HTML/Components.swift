import Vapor

/// Small pieces of markup the pages share.
package enum Form {
    package static func csrf(_ req: Request) -> HTML {
        "<input type=\"hidden\" name=\"\(CSRFMiddleware.field)\" value=\"\(req.csrfToken)\">"
    }

    package static func field(_ label: String, name: String, value: String? = nil, type: String = "text",
                      required: Bool = false, hint: String? = nil, attrs: String = "") -> HTML {
        """
        <label class="field"><span>\(label)\(HTML(raw: required ? " <b class=\"req\">*</b>" : ""))</span>
        <input type="\(type)" name="\(name)" value="\(value ?? "")"\(HTML(raw: required ? " required" : "")) \(HTML(raw: attrs))>
        \(hint.map { HTML("<small>\($0)</small>") } ?? .empty)</label>
        """
    }

    package static func select(_ label: String, name: String, options: [(value: String, label: String)], selected: String?,
                       includeBlank: String? = nil, required: Bool = false) -> HTML {
        let blank: HTML = includeBlank.map { "<option value=\"\">\($0)</option>" } ?? .empty
        let opts = options.map { o -> HTML in
            "<option value=\"\(o.value)\"\(HTML(raw: o.value == selected ? " selected" : ""))>\(o.label)</option>"
        }
        return "<label class=\"field\"><span>\(label)</span><select name=\"\(name)\"\(HTML(raw: required ? " required" : ""))>\(blank)\(opts)</select></label>"
    }

    package static func textarea(_ label: String, name: String, value: String? = nil, required: Bool = false) -> HTML {
        "<label class=\"field\"><span>\(label)</span><textarea name=\"\(name)\" rows=\"3\"\(HTML(raw: required ? " required" : ""))>\(value ?? "")</textarea></label>"
    }
}

/// Page links for a paged list, keeping the other query parameters.
package func pager(_ req: Request, total: Int, page: PageRequest, base: (Int) -> String) -> HTML {
    let pages = max(1, (total + page.per - 1) / page.per)
    guard pages > 1 else { return "<p class=\"muted\">\(req.t("共 \(total) 条", "\(total) in all"))</p>" }
    let prev: HTML = page.page > 1 ? "<a rel=\"prev\" href=\"\(base(page.page - 1))\">‹ \(req.t("上一页", "Previous"))</a>" : .empty
    let next: HTML = page.page < pages ? "<a rel=\"next\" href=\"\(base(page.page + 1))\">\(req.t("下一页", "Next")) ›</a>" : .empty
    return """
    <nav class="pager">\(prev)<span>\(req.t("第 \(page.page)/\(pages) 页，共 \(total) 条", "page \(page.page) of \(pages), \(total) in all"))</span>\(next)</nav>
    """
}
