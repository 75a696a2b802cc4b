/* report_table.h — the terminal summary of a comparison.
 *
 * One row per quantity: real median, synthetic median, KS, W1 and JSD (bits) for the
 * continuous quantities; JSD for the categorical ones; real and synthetic shares for the
 * structure checks. With several synthetic files the numbers are their means. Colour
 * (green / yellow / red by KS or JSD) only when `colour` is set, i.e. stdout is a tty. */
#ifndef NG_REPORT_REPORT_TABLE_H
#define NG_REPORT_REPORT_TABLE_H

#include <stdbool.h>
#include <stdio.h>

#include "report/report_data.h"

void ng_report_table(FILE *out, const ng_report_data *d, bool colour);
/* A number for humans: "n/a" for NAN, else %.4g-like with SI-free compact form. */
void ng_format_number(double v, char *buf, size_t len);

#endif
