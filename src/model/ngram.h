/* ngram.h — a sparse n-gram over discrete tokens with interpolated back-off.
 *
 * Counts, for every context seen in training (the last 0..order tokens before a
 * position; shorter contexts at the start of a sequence), how often each token
 * followed it. Storage is a hash map from context to a small sorted list of
 * (token, count): memory grows with the contexts and successors actually observed,
 * never with vocab^order, so an unseen context costs nothing and is never an error.
 *
 * Probabilities interpolate each seen context with its one-token-shorter suffix at a
 * fixed weight λ (Jelinek–Mercer): P(w | h) = λ · c(h, w) / c(h) + (1 − λ) · P(w | h');
 * a context never seen gives P(w | h) = P(w | h'); the empty context is the unigram
 * c(w) / N. For every context the probabilities over the vocabulary sum to 1. Sampling
 * draws exactly from that distribution (at each seen context, stay with probability λ,
 * else back off). Why a fixed λ and not Witten–Bell's c(h) / (c(h) + T(h)): a weight
 * that differs between contexts makes a generated chain linger in the contexts it
 * trusts most (runs of one token), so its long-run token frequencies drift from the
 * data's (on DARPA Monday, order 3: JSD 0.09 vs the unigram); with one λ the data's
 * unigram stays (nearly) the stationary distribution.
 *
 * Contexts are passed oldest first, most recent token last; only the last `order`
 * tokens are used. JSON form (deterministic: contexts sorted by length then tokens,
 * successors by token): {"order": n, "vocab": V, "lambda": λ, "contexts": [[ctx...],
 * ...], "next": [[tok, count, tok, count, ...], ...]}. Loading refuses malformed arrays,
 * tokens outside the vocabulary, zero counts, contexts longer than the order,
 * duplicate contexts, unsorted successors and a missing unigram, naming `what`. */
#ifndef NG_MODEL_NGRAM_H
#define NG_MODEL_NGRAM_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#include "core/error.h"
#include "core/rng.h"

#define NG_NGRAM_MAX_ORDER 8
#define NG_NGRAM_DEFAULT_LAMBDA 0.7

typedef struct ng_ngram ng_ngram;

/* order in [0, NG_NGRAM_MAX_ORDER] (0: unigram only); vocab > 0 tokens [0, vocab). */
ng_status ng_ngram_new(size_t order, uint32_t vocab, ng_ngram **out, ng_error *err);
void ng_ngram_free(ng_ngram *g);

/* Count every position of a sequence (tokens < vocab) under all its contexts. */
ng_status ng_ngram_add_sequence(ng_ngram *g, const uint32_t *tokens, size_t n, ng_error *err);

size_t ng_ngram_order(const ng_ngram *g);
/* λ in (0, 1], the weight of a seen context's own counts (default
 * NG_NGRAM_DEFAULT_LAMBDA). */
ng_status ng_ngram_set_lambda(ng_ngram *g, double lambda, ng_error *err);
double ng_ngram_lambda(const ng_ngram *g);
uint32_t ng_ngram_vocab(const ng_ngram *g);
/* Times `token` followed exactly this context (0 when either is unseen). */
uint64_t ng_ngram_count(const ng_ngram *g, const uint32_t *ctx, size_t ctx_len, uint32_t token);
/* Interpolated probability of token after the context (its last `order` tokens). */
double ng_ngram_prob(const ng_ngram *g, const uint32_t *ctx, size_t ctx_len, uint32_t token);
/* Longest suffix of the context (≤ order) that was seen in training. */
size_t ng_ngram_longest_seen(const ng_ngram *g, const uint32_t *ctx, size_t ctx_len);
/* A token drawn from P(· | context). Needs at least one counted token. */
uint32_t ng_ngram_sample(const ng_ngram *g, const uint32_t *ctx, size_t ctx_len, ng_rng *rng);

/* Observed contexts (including the empty one), stored (context, token) pairs, and
 * the bytes held — all proportional to what was seen. */
size_t ng_ngram_n_contexts(const ng_ngram *g);
size_t ng_ngram_n_entries(const ng_ngram *g);
size_t ng_ngram_memory_bytes(const ng_ngram *g);
/* Total tokens counted (the unigram total). */
uint64_t ng_ngram_total(const ng_ngram *g);

json_t *ng_ngram_to_json(const ng_ngram *g);
ng_status ng_ngram_from_json(const json_t *json, const char *what, ng_ngram **out,
                             ng_error *err);

#endif
