// ICU's common library (Debian's libicu-dev), found with pkg-config `icu-uc`.
//
// This module only carries the link and compiler flags: ICU's own headers are included by the
// C target CLoupeICU and never by Swift code, because Foundation on Linux bundles another ICU
// (_FoundationICU) whose headers declare the same enums with other members, and Clang refuses
// a Swift module that sees both.
