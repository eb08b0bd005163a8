/* stoffel_api_programs.c: programs as files and the pieces of stoffel.h a
 * command-line runner is built on (stoffel-run uses nothing else). */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "api_internal.h"
#include "lang/lang.h"
#include "bytecode/load.h"
#include "core/format.h"

_Static_assert(STOFFEL_MAX_PARTIES == ST_MAX_PARTIES, "stoffel.h states the party limit of core/config.h");

static char *dup_text(const char *s) { return strdup(s ? s : ""); }

StoffelResult stoffel_program_read(const char *path, StoffelProgram **program, char **error)
{
    if (!program || !error) return STOFFEL_ERROR_INVALID;
    *program = NULL;
    *error = NULL;
    if (!path) {
        *error = dup_text("no program path given");
        return STOFFEL_ERROR_INVALID;
    }
    StoffelProgram *p = calloc(1, sizeof *p);
    if (!p || !(p->path = strdup(path))) {
        free(p);
        *error = dup_text("out of memory");
        return STOFFEL_ERROR_MEMORY;
    }
    if (lang_is_source_path(path)) {
        /* StoffelLang source: compiled in memory (docs/lang.md) */
        char *cerr = NULL;
        if (lang_compile_file(path, NULL, &p->prog, &cerr) != 0) {
            stoffel_program_free(p);
            size_t n = cerr ? strlen(cerr) : 0;
            while (n && cerr[n - 1] == '\n') cerr[--n] = 0; /* the caller ends the line */
            *error = cerr ? dup_text(cerr) : dup_text("compilation failed");
            free(cerr);
            return STOFFEL_ERROR_LOAD;
        }
        *program = p;
        return STOFFEL_OK;
    }
    StfLoadError le;
    StfLoadStatus st = stf_load_file(path, &p->prog, &le);
    if (st != STF_LOAD_OK) {
        stoffel_program_free(p);
        *error = dup_text(le.message);
        return st == STF_LOAD_IO ? STOFFEL_ERROR_IO : STOFFEL_ERROR_LOAD;
    }
    *program = p;
    return STOFFEL_OK;
}

unsigned stoffel_program_source_line(const StoffelProgram *p, const char *function, int64_t instruction)
{
    if (!p || !function || instruction < 0) return 0;
    return lang_line_of(&p->prog, function, instruction);
}

void stoffel_program_free(StoffelProgram *p)
{
    if (!p) return;
    stf_program_free(&p->prog);
    free(p->path);
    free(p);
}

static void describe_share_types(StrBuf *b, const StfShareType *t, uint32_t n)
{
    sb_putc(b, '[');
    for (uint32_t i = 0; i < n; i++) {
        if (i) sb_puts(b, ", ");
        if (t[i].tag == 1)
            sb_printf(b, "fixed:%u:%u", t[i].bits, t[i].frac);
        else
            sb_printf(b, "%s:%u", t[i].tag == 2 ? "uint" : "int", t[i].bits);
    }
    sb_putc(b, ']');
}

static const StfStr *function_name(const void *ctx, uint32_t k) { return &((const StfProgram *)ctx)->funcs[k].name; }

static void describe_functions(StrBuf *b, const StfProgram *p)
{
    /* Names seen so far, to mark duplicates: a scan per function would be
     * quadratic (it is the fallback when memory is short). */
    uint32_t size = stf_name_index_capacity(p->func_count);
    StfNameIndex seen = { calloc(size, sizeof(uint32_t)), size - 1 };
    for (uint32_t i = 0; i < p->func_count; i++) {
        const StfFunction *f = &p->funcs[i];
        sb_printf(b, "  %s(", f->name.s);
        for (uint32_t k = 0; k < f->param_count; k++) sb_printf(b, "%s%s", k ? ", " : "", f->params[k].s);
        sb_printf(b, "): %u registers stored, frame %u, %u instructions, %u labels", f->register_count,
                  stf_function_frame_size(f), f->instr_count, f->label_count);
        if (f->upvalue_count) sb_printf(b, ", %u upvalues", f->upvalue_count);
        bool dup = false;
        if (seen.slots) {
            uint32_t *slot = stf_name_index_slot(&seen, &f->name, function_name, p);
            dup = *slot != 0;
            if (!dup) *slot = i + 1;
        } else {
            for (uint32_t j = 0; j < i && !dup; j++) dup = strcmp(p->funcs[j].name.s, f->name.s) == 0;
        }
        sb_printf(b, "%s\n", dup ? " (duplicate)" : "");
    }
    free(seen.slots);
}

static void describe_manifest(StrBuf *b, const StfProgram *p)
{
    if (p->version < 2) {
        sb_puts(b, "manifest: none (format version < 2)\n");
        return;
    }
    const StfManifest *m = &p->manifest;
    sb_puts(b, "manifest:\n");
    sb_printf(b, "  backend: %s\n", p->version >= 3 ? stf_backend_name(m->backend) : "honeybadger (implied)");
    sb_printf(b, "  curve: %s\n", p->version >= 4 ? stf_curve_name(m->curve) : "bls12-381 (implied)");
    sb_printf(b, "  clients: %u\n", m->client_count);
    for (uint32_t i = 0; i < m->client_count; i++) {
        const StfClientSchema *c = &m->clients[i];
        sb_printf(b, "    slot %" PRIu64 ": inputs ", c->slot);
        describe_share_types(b, c->inputs, c->input_count);
        sb_puts(b, ", outputs ");
        describe_share_types(b, c->outputs, c->output_count);
        sb_putc(b, '\n');
    }
    if (p->version >= 8)
        sb_printf(b,
                  "  preprocessing: triples %" PRIu64 ", randoms %" PRIu64 ", prandbits %" PRIu64 ", prandints %" PRIu64
                  ", dynamic %s\n",
                  m->triples, m->randoms, m->prandbits, m->prandints, m->dynamic ? "yes" : "no");
    else
        sb_puts(b, "  preprocessing: not recorded (format version < 8)\n");
}

char *stoffel_program_describe(const StoffelProgram *program)
{
    if (!program) return NULL;
    const StfProgram *p = &program->prog;
    StrBuf b;
    sb_init(&b);
    sb_printf(&b, "program: %s\n", program->path);
    sb_printf(&b, "format version: %u\n", p->version);
    sb_printf(&b, "constants: %u\n", p->const_count);
    sb_printf(&b, "functions: %u\n", p->func_count);
    describe_functions(&b, p);
    describe_manifest(&b, p);
    return sb_take(&b);
}

StoffelResult stoffel_load_program(StoffelVM *S, const StoffelProgram *program)
{
    if (!S) return STOFFEL_ERROR_INVALID;
    if (!program) return api_fail(S, STOFFEL_ERROR_INVALID, "stoffel_load_program: program is NULL");
    api_clear_error(S);
    if (vm_load_program(S->vm, &program->prog) != ST_OK)
        return api_fail(S, STOFFEL_ERROR_LOAD, "%s", vm_last_error(S->vm)->message);
    return STOFFEL_OK;
}

int stoffel_is_foreign_function(StoffelVM *S, const char *name)
{
    if (!S || !name) return 0;
    VmFunction *fn = vm_function_at(S->vm, vm_find_function(S->vm, name, strlen(name)));
    return fn && fn->is_native;
}

typedef struct {
    StoffelUnresolvedCallFn fn;
    void *ud;
} UnresolvedCb;

static void unresolved_cb(void *ud, const char *function, uint32_t instruction, const char *name,
                          const char *suggestion)
{
    const UnresolvedCb *cb = ud;
    cb->fn(cb->ud, function, instruction, name, suggestion);
}

size_t stoffel_unresolved_calls(StoffelVM *S, StoffelUnresolvedCallFn fn, void *user_data)
{
    if (!S) return 0;
    UnresolvedCb cb = { fn, user_data };
    return vm_unresolved_calls(S->vm, fn ? unresolved_cb : NULL, &cb);
}

StoffelResult stoffel_set_trace(StoffelVM *S, FILE *out, unsigned flags)
{
    if (!S) return STOFFEL_ERROR_INVALID;
    vm_set_trace(S->vm, out, flags & STOFFEL_TRACE_INSTRUCTIONS, flags & STOFFEL_TRACE_REGISTERS,
                 flags & STOFFEL_TRACE_STACK);
    return STOFFEL_OK;
}

StoffelResult stoffel_format_slot(StoffelVM *S, int slot, char **text)
{
    if (!S || !text) return STOFFEL_ERROR_INVALID;
    *text = NULL;
    if (slot < 0 || (uint32_t)slot >= S->top - S->base)
        return api_fail(S, STOFFEL_ERROR_INVALID, "slot %d out of range", slot);
    StrBuf b;
    sb_init(&b);
    fmt_result(&b, api_slot_get(S, (uint32_t)slot));
    *text = sb_take(&b);
    return *text ? STOFFEL_OK : api_fail(S, STOFFEL_ERROR_MEMORY, "out of memory");
}
