/* lora_model.h — the LoRaWAN model: per-device uplink streams without flows.
 *
 * LoRaWAN end devices send uplinks on their own clock, so traffic is one stream per
 * device (the "no-flow" mode of the design). Per device the model keeps:
 *   - the packet level: a joint categorical over the frame/radio tuple
 *     (MType, Major, FCtrl, FPort, PHYPayload length, SF, BW, CR, CRC status) and a
 *     categorical over the gateway's channels (frequency hopping is independent of the
 *     frame), both from the device's uplinks;
 *   - the arrival process: FCnt increments (a categorical; increments > 1 are frames
 *     the gateway missed) and the per-frame period gap / increment as 33 quantiles of
 *     its logarithm, so a gap is increment × period — periodic reporters keep their
 *     period and the gateway's losses show up as multiples of it;
 *   - its active window (first and last uplink as fractions of the trace) and first FCnt.
 * Radio behaviour is joint with the SF: (RSSI, SNR) from a Gaussian mixture per
 * (device, SF) when that pair has at least NG_LORA_MIN_DEVICE_RADIO uplinks, else the
 * SF's mixture pooled over devices (components by BIC, 1..4), snapped to the nearest
 * value the gateway reported (RSSI and SNR are quantised on air).
 * The aggregate is the set of devices: generation replays each learned device once, or
 * draws n devices from them with new addresses and uniformly placed windows.
 * Saved in a model file (model/model_file.h) with header "kind": "lora". */
#ifndef NG_MODEL_LORA_MODEL_H
#define NG_MODEL_LORA_MODEL_H

#include <stddef.h>
#include <stdint.h>

#include "capture/lora_record.h"
#include "core/error.h"
#include "stats/gmm.h"

#define NG_LORA_NQ 33
#define NG_LORA_MAX_INC 8
#define NG_LORA_MIN_DEVICE_RADIO 20
#define NG_LORA_MAX_FREQS 64

typedef struct ng_lora_tuple {
    uint8_t mtype, major, fctrl, sf, cr;
    int8_t crc;
    int16_t fport;
    uint16_t phy_len, bw_khz;
} ng_lora_tuple;

typedef struct ng_lora_device {
    uint32_t dev_addr;
    size_t n;                 /* uplinks in training */
    double first, last;       /* window as fractions of the trace, in [0, 1] */
    uint32_t fcnt0;           /* first FCnt */
    size_t n_tuples;
    ng_lora_tuple *tuples;
    double *tuple_w;          /* n_tuples */
    double *chan_w;           /* model n_freqs */
    size_t n_inc;
    uint32_t inc[NG_LORA_MAX_INC];
    double inc_w[NG_LORA_MAX_INC];
    int has_period;           /* n >= 2 */
    double log_period_q[NG_LORA_NQ]; /* ascending quantiles of ln(period s) */
    ng_gmm *radio[13];        /* own (RSSI, SNR) mixture per SF, or NULL */
} ng_lora_device;

typedef struct ng_lora_model {
    int64_t start_ns;         /* training trace start */
    double span_s;            /* training trace length */
    size_t n_freqs;
    uint32_t freqs[NG_LORA_MAX_FREQS];
    size_t n_devices;
    ng_lora_device *devices;
    ng_gmm *sf_radio[13];     /* pooled (RSSI, SNR) mixture per SF, or NULL */
    size_t n_rssi_grid, n_snr_grid;
    double *rssi_grid, *snr_grid; /* ascending distinct reported values */
    size_t n_train;
} ng_lora_model;

typedef struct ng_lora_train_options {
    uint64_t seed;
    size_t k_max;             /* GMM components tried, 1..k_max (4) */
} ng_lora_train_options;

ng_lora_train_options ng_lora_train_default_options(void);
/* Learn from records (any order; sorted internally on a copy). */
ng_status ng_lora_train(const ng_lora_records *recs, const ng_lora_train_options *opt,
                        ng_lora_model **out, ng_error *err);
void ng_lora_model_free(ng_lora_model *m);

ng_status ng_lora_model_save(const ng_lora_model *m, const char *path, ng_error *err);
ng_status ng_lora_model_load(const char *path, ng_lora_model **out, ng_error *err);

typedef struct ng_lora_generate_options {
    double duration_s;        /* <= 0: the training span */
    size_t n_devices;         /* 0: each learned device once, keeping its address */
    uint64_t seed;
    int64_t start_ns;         /* 0: the training start */
} ng_lora_generate_options;

/* Uplinks of every device on one timeline, sorted by time. */
ng_status ng_lora_generate(const ng_lora_model *m, const ng_lora_generate_options *opt,
                           ng_lora_records *out, ng_error *err);

/* Snap v to the nearest value of an ascending grid (v itself if the grid is empty). */
double ng_lora_snap(const double *grid, size_t n, double v);

#endif
