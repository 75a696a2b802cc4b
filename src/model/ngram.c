/* ngram.c — sparse n-gram counts on core/hashmap with interpolated back-off (ngram.h).
 *
 * The map goes from a zero-padded context key to an index into `contexts`; each
 * context keeps its successors sorted by token (binary-search insert), so sampling
 * and serialisation walk them in one fixed order whatever the insertion history. */
#include "model/ngram.h"

#include <stdlib.h>
#include <string.h>

#include "core/hashmap.h"

typedef struct ngram_key {
    uint32_t len;
    uint32_t tok[NG_NGRAM_MAX_ORDER];
} ngram_key;

typedef struct ngram_context {
    ngram_key key;
    uint64_t total;    /* c(h) */
    size_t n, cap;     /* distinct successors T(h) */
    uint32_t *tokens;  /* sorted ascending */
    uint64_t *counts;
} ngram_context;

struct ng_ngram {
    size_t order;
    uint32_t vocab;
    double lambda;     /* weight of a seen context's own counts; 1 - lambda backs off */
    ng_hashmap index;  /* ngram_key -> uint32_t position in contexts */
    ngram_context *contexts;
    size_t n_contexts, cap_contexts;
    size_t n_entries;
};

ng_status ng_ngram_new(size_t order, uint32_t vocab, ng_ngram **out, ng_error *err)
{
    *out = NULL;
    if (order > NG_NGRAM_MAX_ORDER || vocab == 0)
        return ng_fail(err, NG_EINVAL, "n-gram: order %zu (max %d) or vocabulary %u is impossible",
                       order, NG_NGRAM_MAX_ORDER, vocab);
    ng_ngram *g = calloc(1, sizeof *g);
    if (!g)
        return ng_fail(err, NG_ENOMEM, "n-gram: out of memory");
    g->order = order;
    g->vocab = vocab;
    g->lambda = NG_NGRAM_DEFAULT_LAMBDA;
    ng_hashmap_init(&g->index, sizeof(ngram_key), sizeof(uint32_t));
    *out = g;
    return NG_OK;
}

void ng_ngram_free(ng_ngram *g)
{
    if (!g)
        return;
    for (size_t i = 0; i < g->n_contexts; i++) {
        free(g->contexts[i].tokens);
        free(g->contexts[i].counts);
    }
    free(g->contexts);
    ng_hashmap_free(&g->index);
    free(g);
}

static ngram_key make_key(const uint32_t *ctx, size_t len)
{
    ngram_key k;
    memset(&k, 0, sizeof k);
    k.len = (uint32_t)len;
    if (len)
        memcpy(k.tok, ctx, len * sizeof *ctx);
    return k;
}

static const ngram_context *find_context(const ng_ngram *g, const uint32_t *ctx, size_t len)
{
    ngram_key k = make_key(ctx, len);
    const uint32_t *pos = ng_hashmap_get(&g->index, &k);
    return pos ? &g->contexts[*pos] : NULL;
}

static ngram_context *get_or_add_context(ng_ngram *g, const ngram_key *k, ng_error *err)
{
    bool inserted = false;
    uint32_t *pos = ng_hashmap_put(&g->index, k, &inserted);
    if (!pos) {
        ng_fail(err, NG_ENOMEM, "n-gram: out of memory for contexts");
        return NULL;
    }
    if (!inserted)
        return &g->contexts[*pos];
    if (g->n_contexts == g->cap_contexts) {
        size_t cap = g->cap_contexts ? 2 * g->cap_contexts : 16;
        ngram_context *c = realloc(g->contexts, cap * sizeof *c);
        if (!c) {
            ng_hashmap_remove(&g->index, k);
            ng_fail(err, NG_ENOMEM, "n-gram: out of memory for contexts");
            return NULL;
        }
        g->contexts = c;
        g->cap_contexts = cap;
    }
    *pos = (uint32_t)g->n_contexts;
    ngram_context *c = &g->contexts[g->n_contexts++];
    memset(c, 0, sizeof *c);
    c->key = *k;
    return c;
}

/* Index of token in c's sorted list, or where it would be inserted. */
static size_t successor_slot(const ngram_context *c, uint32_t token)
{
    size_t lo = 0, hi = c->n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (c->tokens[mid] < token)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

static ng_status add_successor(ng_ngram *g, ngram_context *c, uint32_t token, uint64_t count,
                               ng_error *err)
{
    size_t at = successor_slot(c, token);
    if (at < c->n && c->tokens[at] == token) {
        c->counts[at] += count;
        c->total += count;
        return NG_OK;
    }
    if (c->n == c->cap) {
        size_t cap = c->cap ? 2 * c->cap : 1;
        uint32_t *t = realloc(c->tokens, cap * sizeof *t);
        if (t)
            c->tokens = t;
        uint64_t *n = t ? realloc(c->counts, cap * sizeof *n) : NULL;
        if (!n)
            return ng_fail(err, NG_ENOMEM, "n-gram: out of memory for successors");
        c->counts = n;
        c->cap = cap;
    }
    memmove(c->tokens + at + 1, c->tokens + at, (c->n - at) * sizeof *c->tokens);
    memmove(c->counts + at + 1, c->counts + at, (c->n - at) * sizeof *c->counts);
    c->tokens[at] = token;
    c->counts[at] = count;
    c->n++;
    c->total += count;
    g->n_entries++;
    return NG_OK;
}

ng_status ng_ngram_add_sequence(ng_ngram *g, const uint32_t *tokens, size_t n, ng_error *err)
{
    for (size_t i = 0; i < n; i++)
        if (tokens[i] >= g->vocab)
            return ng_fail(err, NG_EINVAL, "n-gram: token %u at %zu is outside the vocabulary (%u)",
                           tokens[i], i, g->vocab);
    for (size_t i = 0; i < n; i++) {
        size_t longest = i < g->order ? i : g->order;
        for (size_t len = 0; len <= longest; len++) {
            ngram_key k = make_key(tokens + i - len, len);
            ngram_context *c = get_or_add_context(g, &k, err);
            if (!c)
                return NG_ENOMEM;
            ng_status st = add_successor(g, c, tokens[i], 1, err);
            if (st)
                return st;
        }
    }
    return NG_OK;
}

size_t ng_ngram_order(const ng_ngram *g) { return g->order; }
double ng_ngram_lambda(const ng_ngram *g) { return g->lambda; }

ng_status ng_ngram_set_lambda(ng_ngram *g, double lambda, ng_error *err)
{
    if (!(lambda > 0 && lambda <= 1))
        return ng_fail(err, NG_EINVAL, "n-gram: lambda %g is not in (0, 1]", lambda);
    g->lambda = lambda;
    return NG_OK;
}
uint32_t ng_ngram_vocab(const ng_ngram *g) { return g->vocab; }
size_t ng_ngram_n_contexts(const ng_ngram *g) { return g->n_contexts; }
size_t ng_ngram_n_entries(const ng_ngram *g) { return g->n_entries; }

size_t ng_ngram_memory_bytes(const ng_ngram *g)
{
    size_t bytes = sizeof *g + g->cap_contexts * sizeof(ngram_context) +
                   g->index.cap * g->index.slot_size;
    for (size_t i = 0; i < g->n_contexts; i++)
        bytes += g->contexts[i].cap * (sizeof(uint32_t) + sizeof(uint64_t));
    return bytes;
}

uint64_t ng_ngram_total(const ng_ngram *g)
{
    const ngram_context *c = find_context(g, NULL, 0);
    return c ? c->total : 0;
}

/* The last min(len, order) tokens of ctx. */
static size_t clip_context(const ng_ngram *g, const uint32_t **ctx, size_t len)
{
    static const uint32_t none[1];
    if (!*ctx) {
        *ctx = none;
        return 0;
    }
    if (len > g->order) {
        *ctx += len - g->order;
        len = g->order;
    }
    return len;
}

uint64_t ng_ngram_count(const ng_ngram *g, const uint32_t *ctx, size_t ctx_len, uint32_t token)
{
    if (ctx_len > g->order)
        return 0;
    const ngram_context *c = find_context(g, ctx, ctx_len);
    if (!c)
        return 0;
    size_t at = successor_slot(c, token);
    return at < c->n && c->tokens[at] == token ? c->counts[at] : 0;
}

size_t ng_ngram_longest_seen(const ng_ngram *g, const uint32_t *ctx, size_t ctx_len)
{
    ctx_len = clip_context(g, &ctx, ctx_len);
    for (size_t len = ctx_len; len > 0; len--)
        if (find_context(g, ctx + ctx_len - len, len))
            return len;
    return 0;
}

double ng_ngram_prob(const ng_ngram *g, const uint32_t *ctx, size_t ctx_len, uint32_t token)
{
    ctx_len = clip_context(g, &ctx, ctx_len);
    double p = 0.0;
    for (size_t len = 0; len <= ctx_len; len++) {
        const ngram_context *c = find_context(g, ctx + ctx_len - len, len);
        if (!c)
            break; /* no longer context can be seen if this suffix was not */
        uint64_t cw = ng_ngram_count(g, ctx + ctx_len - len, len, token);
        double own = (double)cw / (double)c->total;
        p = len == 0 ? own : g->lambda * own + (1.0 - g->lambda) * p;
    }
    return p;
}

static uint32_t draw_successor(const ngram_context *c, ng_rng *rng)
{
    uint64_t r = ng_rng_below(rng, c->total);
    for (size_t i = 0; i < c->n; i++) {
        if (r < c->counts[i])
            return c->tokens[i];
        r -= c->counts[i];
    }
    return c->tokens[c->n - 1];
}

uint32_t ng_ngram_sample(const ng_ngram *g, const uint32_t *ctx, size_t ctx_len, ng_rng *rng)
{
    ctx_len = clip_context(g, &ctx, ctx_len);
    for (size_t len = ng_ngram_longest_seen(g, ctx, ctx_len); len > 0; len--) {
        const ngram_context *c = find_context(g, ctx + ctx_len - len, len);
        if (ng_rng_uniform(rng) < g->lambda)
            return draw_successor(c, rng);
    }
    const ngram_context *root = find_context(g, NULL, 0);
    return root && root->total ? draw_successor(root, rng) : 0;
}

/* ---- JSON ---- */

static int compare_keys(const void *a, const void *b)
{
    const ngram_key *x = &(*(ngram_context *const *)a)->key;
    const ngram_key *y = &(*(ngram_context *const *)b)->key;
    if (x->len != y->len)
        return x->len < y->len ? -1 : 1;
    for (uint32_t i = 0; i < x->len; i++)
        if (x->tok[i] != y->tok[i])
            return x->tok[i] < y->tok[i] ? -1 : 1;
    return 0;
}

static json_t *context_json(const ngram_context *c, json_t **next)
{
    json_t *ctx = json_array();
    *next = json_array();
    for (uint32_t i = 0; i < c->key.len; i++)
        json_array_append_new(ctx, json_integer(c->key.tok[i]));
    for (size_t i = 0; i < c->n; i++) {
        json_array_append_new(*next, json_integer(c->tokens[i]));
        json_array_append_new(*next, json_integer((json_int_t)c->counts[i]));
    }
    return ctx;
}

json_t *ng_ngram_to_json(const ng_ngram *g)
{
    const ngram_context **sorted = malloc((g->n_contexts + 1) * sizeof *sorted);
    if (!sorted)
        return NULL;
    for (size_t i = 0; i < g->n_contexts; i++)
        sorted[i] = &g->contexts[i];
    qsort(sorted, g->n_contexts, sizeof *sorted, compare_keys);
    json_t *contexts = json_array(), *nexts = json_array();
    for (size_t i = 0; i < g->n_contexts; i++) {
        json_t *next;
        json_array_append_new(contexts, context_json(sorted[i], &next));
        json_array_append_new(nexts, next);
    }
    free(sorted);
    return json_pack("{s:I, s:I, s:f, s:o, s:o}", "order", (json_int_t)g->order, "vocab",
                     (json_int_t)g->vocab, "lambda", g->lambda, "contexts", contexts, "next",
                     nexts);
}

static bool read_token(const json_t *v, uint32_t vocab, uint32_t *out)
{
    if (!json_is_integer(v) || json_integer_value(v) < 0 || json_integer_value(v) >= vocab)
        return false;
    *out = (uint32_t)json_integer_value(v);
    return true;
}

static ng_status read_context(ng_ngram *g, const json_t *ctx, const json_t *next, size_t i,
                              const char *what, ng_error *err)
{
    size_t len = json_array_size(ctx);
    if (!json_is_array(ctx) || len > g->order)
        return ng_fail(err, NG_EFORMAT, "%s: context %zu is not an array of at most %zu tokens",
                       what, i, g->order);
    ngram_key k;
    memset(&k, 0, sizeof k);
    k.len = (uint32_t)len;
    for (size_t j = 0; j < len; j++)
        if (!read_token(json_array_get(ctx, j), g->vocab, &k.tok[j]))
            return ng_fail(err, NG_EFORMAT, "%s: context %zu token %zu is not in [0, %u)", what,
                           i, j, g->vocab);
    size_t before = g->n_contexts;
    ngram_context *c = get_or_add_context(g, &k, err);
    if (!c)
        return NG_ENOMEM;
    if (g->n_contexts == before)
        return ng_fail(err, NG_EFORMAT, "%s: context %zu appears twice", what, i);
    size_t n = json_array_size(next);
    if (!json_is_array(next) || n == 0 || n % 2)
        return ng_fail(err, NG_EFORMAT, "%s: next[%zu] is not a non-empty [token, count, ...] array",
                       what, i);
    for (size_t j = 0; j < n; j += 2) {
        uint32_t tok;
        const json_t *cnt = json_array_get(next, j + 1);
        if (!read_token(json_array_get(next, j), g->vocab, &tok) || !json_is_integer(cnt) ||
            json_integer_value(cnt) < 1 || (c->n && c->tokens[c->n - 1] >= tok))
            return ng_fail(err, NG_EFORMAT,
                           "%s: next[%zu] pair %zu needs a token in [0, %u) above the previous "
                           "and a count >= 1",
                           what, i, j / 2, g->vocab);
        ng_status st = add_successor(g, c, tok, (uint64_t)json_integer_value(cnt), err);
        if (st)
            return st;
    }
    return NG_OK;
}

ng_status ng_ngram_from_json(const json_t *json, const char *what, ng_ngram **out,
                             ng_error *err)
{
    *out = NULL;
    const json_t *order = json_object_get(json, "order"), *vocab = json_object_get(json, "vocab");
    const json_t *contexts = json_object_get(json, "contexts"), *nexts = json_object_get(json, "next");
    if (!json_is_integer(order) || json_integer_value(order) < 0 ||
        json_integer_value(order) > NG_NGRAM_MAX_ORDER || !json_is_integer(vocab) ||
        json_integer_value(vocab) < 1 || json_integer_value(vocab) > (1 << 24))
        return ng_fail(err, NG_EFORMAT, "%s: 'order' or 'vocab' is missing or out of range", what);
    if (!json_is_array(contexts) || !json_is_array(nexts) ||
        json_array_size(contexts) != json_array_size(nexts) || json_array_size(contexts) == 0)
        return ng_fail(err, NG_EFORMAT,
                       "%s: 'contexts' and 'next' must be non-empty arrays of equal length", what);
    ng_ngram *g;
    ng_status st = ng_ngram_new((size_t)json_integer_value(order),
                                (uint32_t)json_integer_value(vocab), &g, err);
    const json_t *lambda = json_object_get(json, "lambda");
    if (!st && !json_is_number(lambda))
        st = ng_fail(err, NG_EFORMAT, "%s: 'lambda' is missing or not a number", what);
    if (!st && ng_ngram_set_lambda(g, json_number_value(lambda), err))
        st = ng_fail(err, NG_EFORMAT, "%s: 'lambda' %g is not in (0, 1]", what,
                     json_number_value(lambda));
    for (size_t i = 0; !st && i < json_array_size(contexts); i++)
        st = read_context(g, json_array_get(contexts, i), json_array_get(nexts, i), i, what, err);
    if (!st && !find_context(g, NULL, 0))
        st = ng_fail(err, NG_EFORMAT, "%s: the empty (unigram) context is missing", what);
    if (st) {
        ng_ngram_free(g);
        return st;
    }
    *out = g;
    return NG_OK;
}
