/* packet_output.h — where generated frames go: a capture file or packets.csv.
 *
 * Formats: classic pcap with micro- or nanosecond timestamps and pcapng (through
 * capture/writer.h), or "csv": the packets.csv columns of `necstgen extract`
 * (features/csv_writer.h), each row taken from the built frame by the dissector so the
 * numbers are those extract would report for the same packet. Either way the output
 * appears whole at ng_packet_output_close or not at all ("-" = standard output).
 *
 * A frame can be built where it will be written (ng_packet_output_room, then
 * ng_packet_output_put): into the capture writer's buffer, which saves copying it, or,
 * for csv, into a buffer of the output's own. */
#ifndef NG_SYNTH_PACKET_OUTPUT_H
#define NG_SYNTH_PACKET_OUTPUT_H

#include <stdbool.h>
#include <stdint.h>

#include "capture/writer.h"
#include "core/error.h"
#include "features/csv_writer.h"

typedef enum ng_output_format {
    NG_OUTPUT_PCAP_US = 0,
    NG_OUTPUT_PCAP_NS,
    NG_OUTPUT_PCAPNG,
    NG_OUTPUT_CSV
} ng_output_format;

/* "pcap" (= "pcap-us"), "pcap-ns", "pcapng", "csv"; NG_EINVAL lists the choices. */
ng_status ng_output_format_parse(const char *name, ng_output_format *out, ng_error *err);
const char *ng_output_format_name(ng_output_format fmt);

/* One generated packet with what packets.csv needs besides the bytes. */
typedef struct ng_out_packet {
    int64_t ts_ns;
    const uint8_t *frame;
    uint32_t len;
    uint64_t flow_id;
    uint64_t index;        /* position in its flow */
    int64_t flow_iat_ns;   /* gap since the flow's previous packet (0 first) */
    uint8_t direction;     /* NG_DIR_C2S / NG_DIR_S2C */
    uint8_t app_class;
} ng_out_packet;

typedef struct ng_packet_output {
    ng_output_format format;
    ng_writer *writer;      /* pcap formats */
    ng_csv_writer csv;      /* csv */
    int64_t last_ts;
    bool any;
    uint8_t *csv_frame;     /* csv: where ng_packet_output_room builds frames */
    size_t csv_frame_cap;
} ng_packet_output;

ng_status ng_packet_output_open(ng_packet_output *out, const char *path, ng_output_format fmt,
                                ng_error *err);
ng_status ng_packet_output_write(ng_packet_output *out, const ng_out_packet *p, ng_error *err);
/* Room for a frame of up to cap (<= NG_WRITER_MAX_RESERVE) bytes, valid until the next
 * call on the output: build the frame at *frame, then put it. */
ng_status ng_packet_output_room(ng_packet_output *out, uint32_t cap, uint8_t **frame,
                                ng_error *err);
/* Write the frame built in the room (p->frame is the room, p->len <= cap). */
ng_status ng_packet_output_put(ng_packet_output *out, const ng_out_packet *p, ng_error *err);
/* Commit the file. The output is closed either way. */
ng_status ng_packet_output_close(ng_packet_output *out, ng_error *err);
/* Discard everything written. */
void ng_packet_output_abort(ng_packet_output *out);

#endif
