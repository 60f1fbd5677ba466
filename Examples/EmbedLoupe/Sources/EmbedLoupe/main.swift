import Foundation
import Loupe

let dir = NSTemporaryDirectory() + "embed-loupe-example"
let index = try (try? Index.open(at: dir)) ?? Index.create(at: dir)   // open, or create with the news schema
let writer = try index.writer()
try writer.add(Document(id: "1", fields: ["title": "Veterans remember", "body": "The war legacy still divides the town."], date: ISODate.parse("2025-05-01")))
try writer.add(Document(id: "2", fields: ["title": "Harvest news", "body": "A legacy of good harvests; no war here."]))
try writer.commit(); writer.close(); try index.refresh()
for hit in try index.search("\"war legacy\"").hits { print(hit.id, hit.document?.fields["title"] ?? "", "-", hit.snippet?.text ?? "") }
