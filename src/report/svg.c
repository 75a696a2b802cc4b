/* svg.c — line/step and grouped-bar charts as inline SVG with "nice" ticks. */
#include "report/svg.h"

#include <math.h>
#include <string.h>

#define W 560.0
#define H 300.0
#define ML 70.0   /* margins: left, right, top, bottom */
#define MR 16.0
#define MT 34.0
#define MB 64.0
#define LOG_FLOOR 1e-6

typedef struct scale {
    double lo, hi; /* in axis units (log10 when log) */
    bool log;
} scale;

void ng_xml_escape(FILE *out, const char *text)
{
    for (; *text; text++) {
        switch (*text) {
        case '&': fputs("&amp;", out); break;
        case '<': fputs("&lt;", out); break;
        case '>': fputs("&gt;", out); break;
        case '"': fputs("&quot;", out); break;
        default: fputc(*text, out);
        }
    }
}

static double to_axis(const scale *s, double v)
{
    if (!s->log)
        return isfinite(v) ? v : s->lo;
    return isfinite(v) ? log10(v > LOG_FLOOR ? v : LOG_FLOOR) : s->lo;
}

static double px_x(const scale *s, double v)
{
    double t = (to_axis(s, v) - s->lo) / (s->hi - s->lo);
    t = t < 0 ? 0 : t > 1 ? 1 : t;
    return ML + t * (W - ML - MR);
}

static double px_y(const scale *s, double v)
{
    double t = (to_axis(s, v) - s->lo) / (s->hi - s->lo);
    t = t < 0 ? 0 : t > 1 ? 1 : t;
    return H - MB - t * (H - MT - MB);
}

static double nice_step(double span)
{
    double raw = span / 5.0, mag = pow(10.0, floor(log10(raw))), r = raw / mag;
    return (r < 1.5 ? 1 : r < 3 ? 2 : r < 7 ? 5 : 10) * mag;
}

/* Range of the finite values (floored at 1e-6 on a log axis); false if none. */
static bool data_range(const ng_svg_series *ss, size_t ns, bool use_x, bool log, scale *s)
{
    double lo = INFINITY, hi = -INFINITY;
    for (size_t k = 0; k < ns; k++) {
        const double *v = use_x ? ss[k].x : ss[k].y;
        for (size_t i = 0; v && i < ss[k].n; i++) {
            double a = v[i];
            if (!isfinite(a))
                continue;
            if (log && a < LOG_FLOOR)
                a = LOG_FLOOR; /* zeros are data: drawn at the floor */
            a = log ? log10(a) : a;
            lo = a < lo ? a : lo;
            hi = a > hi ? a : hi;
        }
    }
    if (lo > hi)
        return false;
    if (log) {
        lo = floor(lo);
        hi = ceil(hi);
        if (hi <= lo)
            hi = lo + 1;
    } else {
        if (hi <= lo)
            hi = lo + (lo == 0 ? 1 : fabs(lo) * 0.1);
        double step = nice_step(hi - lo); /* end the axis on a tick */
        lo = floor(lo / step) * step;
        hi = ceil(hi / step) * step;
    }
    *s = (scale){lo, hi, log};
    return true;
}

static void tick_label(char *buf, size_t len, double v, bool log)
{
    if (log)
        snprintf(buf, len, "1e%d", (int)lround(v));
    else if (v != 0 && (fabs(v) >= 1e5 || fabs(v) < 1e-3))
        snprintf(buf, len, "%.0e", v);
    else
        snprintf(buf, len, "%g", v);
}

/* Tick positions in axis units: decades for log, 1-2-5 steps for linear. */
static int ticks(const scale *s, double *t, int max)
{
    int n = 0;
    if (s->log) {
        int stride = (int)ceil((s->hi - s->lo) / 8.0);
        stride = stride < 1 ? 1 : stride;
        for (double v = s->lo; v <= s->hi + 1e-9 && n < max; v += stride)
            t[n++] = v;
        return n;
    }
    double step = nice_step(s->hi - s->lo);
    for (double v = ceil(s->lo / step) * step; v <= s->hi + step * 1e-9 && n < max; v += step)
        t[n++] = fabs(v) < step * 1e-9 ? 0.0 : v;
    return n;
}

static void frame(FILE *out, const char *title)
{
    fprintf(out, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%.0f\" height=\"%.0f\" "
                 "viewBox=\"0 0 %.0f %.0f\" font-family=\"sans-serif\" font-size=\"11\">\n",
            W, H, W, H);
    fprintf(out, "<rect width=\"%.0f\" height=\"%.0f\" fill=\"#fff\"/>\n", W, H);
    fprintf(out, "<text x=\"%.0f\" y=\"18\" font-size=\"13\" font-weight=\"bold\">", ML);
    ng_xml_escape(out, title);
    fputs("</text>\n", out);
}

static void axes(FILE *out, const scale *sx, const scale *sy, const char *xl, const char *yl,
                 bool x_ticks)
{
    double t[32];
    char buf[32];
    fprintf(out, "<g stroke=\"#ccc\" stroke-width=\"0.5\">\n");
    int ny = ticks(sy, t, 32);
    for (int i = 0; i < ny; i++) {
        double y = px_y(sy, sy->log ? pow(10, t[i]) : t[i]);
        fprintf(out, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\"/>\n", ML, y, W - MR, y);
    }
    fputs("</g>\n", out);
    for (int i = 0; i < ny; i++) {
        double y = px_y(sy, sy->log ? pow(10, t[i]) : t[i]);
        tick_label(buf, sizeof buf, t[i], sy->log);
        fprintf(out, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"end\">%s</text>\n", ML - 4, y + 4,
                buf);
    }
    if (x_ticks) {
        int nx = ticks(sx, t, 32);
        for (int i = 0; i < nx; i++) {
            double x = px_x(sx, sx->log ? pow(10, t[i]) : t[i]);
            tick_label(buf, sizeof buf, t[i], sx->log);
            fprintf(out, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"#333\"/>"
                         "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\">%s</text>\n",
                    x, H - MB, x, H - MB + 4, x, H - MB + 16, buf);
        }
    }
    fprintf(out, "<path d=\"M%.1f %.1f V%.1f H%.1f\" fill=\"none\" stroke=\"#333\"/>\n", ML, MT,
            H - MB, W - MR);
    fprintf(out, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\">", (ML + W - MR) / 2,
            H - MB + 34);
    ng_xml_escape(out, xl);
    fprintf(out, "</text>\n<text transform=\"translate(14 %.1f) rotate(-90)\" "
                 "text-anchor=\"middle\">", (MT + H - MB) / 2);
    ng_xml_escape(out, yl);
    fputs("</text>\n", out);
}

/* Legend at the top right, after the title. */
static void legend(FILE *out, const ng_svg_series *ss, size_t ns)
{
    double width = 0;
    for (size_t k = 0; k < ns; k++)
        width += 24 + 6.2 * (double)strlen(ss[k].name);
    double x = W - MR - width;
    x = x < ML + 200 ? ML + 200 : x;
    for (size_t k = 0; k < ns; k++) {
        fprintf(out, "<rect x=\"%.1f\" y=\"9\" width=\"10\" height=\"10\" fill=\"%s\"/>"
                     "<text x=\"%.1f\" y=\"18\">", x, ss[k].colour, x + 14);
        ng_xml_escape(out, ss[k].name);
        fputs("</text>\n", out);
        x += 24 + 6.2 * (double)strlen(ss[k].name);
    }
}

static void no_data(FILE *out, const char *title)
{
    frame(out, title);
    fprintf(out, "<rect x=\"%.0f\" y=\"%.0f\" width=\"%.0f\" height=\"%.0f\" fill=\"#f6f6f6\" "
                 "stroke=\"#ccc\"/><text x=\"%.0f\" y=\"%.0f\" text-anchor=\"middle\" "
                 "fill=\"#666\">no data in either capture</text>\n</svg>\n",
            ML, MT, W - ML - MR, H - MT - MB, (ML + W - MR) / 2, (MT + H - MB) / 2);
}

void ng_svg_line_chart(FILE *out, const char *title, ng_svg_axis x, ng_svg_axis y,
                       const ng_svg_series *ss, size_t ns, bool step)
{
    scale sx, sy;
    if (!data_range(ss, ns, true, x.log, &sx) || !data_range(ss, ns, false, y.log, &sy)) {
        no_data(out, title);
        return;
    }
    if (!y.log && sy.lo > 0)
        sy.lo = 0;
    frame(out, title);
    axes(out, &sx, &sy, x.label, y.label, true);
    for (size_t k = 0; k < ns; k++) {
        if (ss[k].n == 0)
            continue;
        fprintf(out, "<path fill=\"none\" stroke=\"%s\" stroke-width=\"1.6\" d=\"", ss[k].colour);
        for (size_t i = 0; i < ss[k].n; i++) {
            double px = px_x(&sx, ss[k].x[i]), py = px_y(&sy, ss[k].y[i]);
            if (i == 0)
                fprintf(out, "M%.1f %.1f", px, py);
            else if (step)
                fprintf(out, "H%.1fV%.1f", px, py);
            else
                fprintf(out, "L%.1f %.1f", px, py);
        }
        fputs("\"/>\n", out);
    }
    legend(out, ss, ns);
    fputs("</svg>\n", out);
}

void ng_svg_bar_chart(FILE *out, const char *title, const char *y_label,
                      const char *const *labels, size_t n_cat, const ng_svg_series *ss,
                      size_t ns)
{
    scale sy;
    if (n_cat == 0 || ns == 0 || !data_range(ss, ns, false, false, &sy)) {
        no_data(out, title);
        return;
    }
    sy.lo = 0;
    scale sx = {0, 1, false};
    frame(out, title);
    axes(out, &sx, &sy, "", y_label, false);
    double slot = (W - ML - MR) / (double)n_cat, bar = slot * 0.8 / (double)ns;
    for (size_t c = 0; c < n_cat; c++) {
        double x0 = ML + slot * (double)c + slot * 0.1;
        for (size_t k = 0; k < ns; k++) {
            double v = c < ss[k].n && isfinite(ss[k].y[c]) ? ss[k].y[c] : 0;
            double top = px_y(&sy, v);
            fprintf(out, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" "
                         "fill=\"%s\"/>\n", x0 + bar * (double)k, top, bar, H - MB - top,
                    ss[k].colour);
        }
        double cx = x0 + slot * 0.4;
        fprintf(out, "<text transform=\"translate(%.1f %.1f) rotate(-35)\" "
                     "text-anchor=\"end\" font-size=\"10\">", cx, H - MB + 12);
        ng_xml_escape(out, labels[c]);
        fputs("</text>\n", out);
    }
    legend(out, ss, ns);
    fputs("</svg>\n", out);
}
