/* gmm_io.h — a Gaussian mixture (stats/gmm.h) in a model file, bit-exact.
 *
 * Under a prefix P the mixture is four float64 tensors:
 *   P.weights [k]   P.means [k, d]   P.covariances [k, d, d] (full) or [k, d] (diag)
 *   P.fit [4] = {mean log-likelihood, n_train, n_iter, converged}
 * The covariance type follows from the rank of P.covariances. Loading checks the
 * shapes agree and runs ng_gmm_prepare, so a damaged mixture (weights not summing to
 * 1, a covariance not positive definite) is refused with the file and prefix named;
 * the derived Cholesky caches are recomputed from the stored parameters, which gives
 * the same bits as the saved model's. Lives in model/ so stats/ stays file-agnostic. */
#ifndef NG_MODEL_GMM_IO_H
#define NG_MODEL_GMM_IO_H

#include "core/error.h"
#include "model/model_file.h"
#include "stats/gmm.h"

ng_status ng_gmm_io_add(ng_model_writer *w, const char *prefix, const ng_gmm *g,
                        ng_error *err);
ng_status ng_gmm_io_load(const ng_model_file *m, const char *prefix, ng_gmm **out,
                         ng_error *err);

#endif
