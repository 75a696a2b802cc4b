/* svg.h — small inline-SVG charts for the HTML report (no scripts, no external files).
 *
 * Line/step charts over linear or log10 axes, grouped bar charts, both with ticks,
 * axis labels and a legend. Values that cannot be drawn (NAN, or <= 0 on a log axis)
 * are clamped to the axis start; a chart whose series are all empty draws a framed
 * "no data" note instead of empty axes. Text is XML-escaped. */
#ifndef NG_REPORT_SVG_H
#define NG_REPORT_SVG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

typedef struct ng_svg_axis {
    const char *label;
    bool log;
} ng_svg_axis;

typedef struct ng_svg_series {
    const char *name;
    const char *colour;   /* CSS colour */
    const double *x, *y;  /* n points; x may be NULL for bar charts */
    size_t n;
} ng_svg_series;

/* Lines through the points of each series; `step` draws an ECDF-style staircase. */
void ng_svg_line_chart(FILE *out, const char *title, ng_svg_axis x, ng_svg_axis y,
                       const ng_svg_series *series, size_t n_series, bool step);

/* Grouped bars: n_cat categories (labels), one bar per series per category (y values). */
void ng_svg_bar_chart(FILE *out, const char *title, const char *y_label,
                      const char *const *labels, size_t n_cat, const ng_svg_series *series,
                      size_t n_series);

/* Write text with &, <, >, " escaped. */
void ng_xml_escape(FILE *out, const char *text);

#endif
