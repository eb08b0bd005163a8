/* stfl.h: reading and writing StoffelVM compiled binaries (.stflb, magic
 * "STFL"), format versions 0-9, byte for byte (spec/stfl-format.md).
 *
 * stfl_read() fills the wire model of program.h, keeping everything needed
 * for an exact round trip: version, constants as stored (Float raw bits, Bool
 * raw byte), function records in file order including duplicates, labels in
 * file order, raw function-type bytes, the raw v<=1 parent flag.
 * stfl_write() is its exact inverse: stfl_write(stfl_read(x)) == x.
 *
 * Choices where the Rust readers differ or are laxer (documented in the
 * implementation):
 *   - trailing bytes after the last section are rejected (Rust ignores them);
 *   - str16 names (functions, labels, parameters, ...) may not contain NUL
 *     bytes, so they stay usable as C strings; String constants may;
 *   - counts are capped (constants and functions 1,000,000, instructions
 *     8,000,000, client schemas 1,000,000, strings 16 MiB) and checked
 *     against the bytes left before anything is allocated;
 *   - version 0 is accepted with the v1 layout and written back as such;
 *   - function types are validated (tags, non-zero bits, nesting depth <= 64)
 *     but the Int signed-flag byte is kept as is, whatever its value. */
#ifndef STOFFEL_STFL_H
#define STOFFEL_STFL_H

#include <stddef.h>
#include <stdint.h>

#include "program.h"

typedef struct {
    char message[256];
    uint64_t offset; /* byte offset of the problem (reader); 0 for writer */
} StflError;

/* Layout gates (spec §2): a field exists when version >= the gate. */
#define STFL_V_MANIFEST 2
#define STFL_V_MPC_BACKEND 3
#define STFL_V_MPC_CURVE 4
#define STFL_V_FUNCTION_TYPES 5
#define STFL_V_PREPROCESSING 8

/* Parse a whole .stflb image.  0 on success (*out filled; free with
 * stf_program_free), -1 on error (*err filled, *out left empty/freed).
 * Never reads out of bounds, never allocates based on an untrusted count
 * before checking the count against the bytes remaining. */
int stfl_read(const uint8_t *data, size_t len, StfProgram *out, StflError *err);

/* Encode at p->version (0..9; 0 uses the v1 layout), applying the version
 * gates of spec §2.  Returns 0 with a malloc'd buffer in *out and its size
 * in *out_len; -1 on error (message in err): version out of range, a value
 * that does not fit its field, or anything stfl_read() would reject (unknown
 * opcode or tag, invalid UTF-8, malformed function-type bytes, bad manifest
 * values), so whatever is written reads back. */
int stfl_write(const StfProgram *p, uint8_t **out, size_t *out_len, StflError *err);

/* Shared by reader and writer: length of the longest valid strict-UTF-8
 * prefix of s (as Rust's from_utf8: no overlongs, surrogates or code points
 * above U+10FFFF), so the string is valid iff the result equals len. */
size_t stfl_utf8_prefix(const uint8_t *s, size_t len);

/* Length of one encoded function type starting at s (at most len bytes), or
 * 0 if malformed (bad tag, zero bits, truncated, too deep).  On failure
 * *bad_at (if non-NULL) gets the offset within s of the problem and *why a
 * static description. */
size_t stfl_ftype_len(const uint8_t *s, size_t len, size_t *bad_at, const char **why);

#endif
