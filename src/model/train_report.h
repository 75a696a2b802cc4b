/* train_report.h — what training measured, per level, for the log, the model file
 * header and `necstgen inspect`. */
#ifndef NG_MODEL_TRAIN_REPORT_H
#define NG_MODEL_TRAIN_REPORT_H

#include <stddef.h>

typedef struct ng_level_report {
    double initial_val_loss;  /* validation loss of the untrained model */
    double final_val_loss;    /* best validation loss (the kept weights) */
    double final_train_loss;
    size_t epochs;            /* epochs run (early stopping may cut) */
    size_t best_epoch;
    double seconds;
} ng_level_report;

typedef struct ng_train_report {
    ng_level_report packet, flow;
    size_t packet_k;          /* GMM components chosen by BIC over the latent space */
    double aggregate_seconds;
    double total_seconds;
} ng_train_report;

#endif
