import LoupeTestSupport

/// `TestCorpus.buildIndex` keeps the reference engine's documents in step with the index it writes.
extension ReferenceEngine: LiveDocumentModel {}
