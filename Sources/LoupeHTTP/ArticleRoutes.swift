import Foundation
import Hummingbird
import Loupe
import NIOCore

extension LoupeRoutes {
    /// `GET /documents/{id}/similar?limit=N&timeout=T`: related articles as `RelatedArticlesJSON`;
    /// 404 for an unknown id. The search runs within the server's search timeout (or `timeout`, shorter).
    func similar(_ request: Request, id: String) async throws -> Response {
        let qs = QueryString(request.uri.query)
        let limit: Int
        if let text = qs.given("limit") {
            guard let v = Int(text), (0...service.configuration.maxLimit).contains(v) else {
                throw APIError.badRequest("limit must be an integer from 0 to \(service.configuration.maxLimit), not '\(text.prefix(40))'")
            }
            limit = v
        } else {
            limit = 10
        }
        let timeout = service.configuration.searchTimeout(asked: try SearchParameters.timeout(qs))
        let index = self.index, schema = self.schema
        return try await service.onSearchThreads {
            jsonResponse(RelatedArticlesJSON(id: id, related: try index.similar(to: id, limit: limit, timeout: timeout), schema: schema))
        }
    }

    /// `GET /synonyms`: the index's synonyms, `{"rules": [{"inputs": [...], "outputs": [...]}], "text": "..."}`
    /// (`outputs` only for a mapping; `text` in the synonyms file format).
    func synonyms() -> Response {
        let s = index.synonyms
        let rules: [OrderedJSONObject] = s.rules.map { r in
            var members: [(key: String, value: any Encodable)] = [("inputs", r.inputs)]
            if let o = r.outputs { members.append(("outputs", o)) }
            return OrderedJSONObject(members: members)
        }
        return jsonResponse(OrderedJSONObject(["rules": rules, "text": s.fileText]))
    }

    /// `GET /articles/{id}?q=...`: the article's page (see `ArticlePage`).
    func articlePage(_ request: Request, id: String) async throws -> Response {
        let page = ArticlePage(routes: self, id: id, query: QueryString(request.uri.query)["q"] ?? "")
        return try await service.onSearchThreads { page.response() }
    }
}
