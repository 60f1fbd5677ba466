/// Switches for the coverage-guided fuzzers in `Tests/Fuzz` only, visible to
/// `@_spi(Fuzzing) import Loupe` and to nothing else: no public API, no command option, no
/// environment variable.
@_spi(Fuzzing) public enum FuzzingHooks {
    /// When true, every file is read as if its CRC-32C footer matched (`FileFormat.verify`
    /// still checks magic numbers, kind, version, length and segment id). A fuzzer's random
    /// edit almost never keeps a file's checksum, so without this its mutations would stop
    /// at "checksum mismatch" and never reach the decoders they are meant to test; those
    /// decoders must hold up on their own, since a file can pass its checksum and still be
    /// hostile (swapped, or edited and resealed). Set once, before any file is opened.
    nonisolated(unsafe) public static var skipChecksums = false
}
