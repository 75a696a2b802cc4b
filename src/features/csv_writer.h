/* csv_writer.h — packets.csv and flows.csv, fast and atomic.
 *
 * A writer formats rows by hand (csv_format.h) into a 1 MiB buffer and hands full
 * buffers to a core/outfile.h file, so the target appears only at commit, whole, and
 * abort leaves nothing behind. Columns and units: docs/FLOWS.md (the header line is
 * NG_CSV_PACKET_HEADER / NG_CSV_FLOW_HEADER). Write errors name the target file.
 * ng_csv_sink adapts a pair of writers to a feature sink (rows.h). */
#ifndef NG_FEATURES_CSV_WRITER_H
#define NG_FEATURES_CSV_WRITER_H

#include <stdbool.h>
#include <stddef.h>

#include "core/error.h"
#include "core/outfile.h"
#include "features/rows.h"

#define NG_CSV_PACKET_HEADER                                                             \
    "ts,flow_id,direction,index,frame_len,header_len,payload_len,ip_proto,ethertype,"   \
    "sport,dport,tcp_flags,iat_flow,iat_global,app_class\n"
#define NG_CSV_FLOW_HEADER                                                               \
    "id,class,protocol,client_addr,client_port,server_addr,server_port,client_mac,"     \
    "server_mac,start,duration,packets_c2s,packets_s2c,bytes_c2s,bytes_s2c,"            \
    "payload_c2s,payload_s2c,start_reason,end_reason\n"

/* Upper bounds of one formatted row, in bytes. */
#define NG_CSV_PACKET_ROW_MAX 320
#define NG_CSV_FLOW_ROW_MAX 512

typedef struct ng_csv_writer {
    ng_outfile out;
    char *buf;
    size_t len, cap;
    uint64_t rows;
    bool is_open;
} ng_csv_writer;

/* Open path (atomically, "-" = stdout) and write the header line. */
ng_status ng_csv_open(ng_csv_writer *w, const char *path, const char *header, ng_error *err);
ng_status ng_csv_write_packet(ng_csv_writer *w, const ng_packet_row *row, ng_error *err);
ng_status ng_csv_write_flow(ng_csv_writer *w, const ng_flow_row *flow, ng_error *err);
/* Flush the buffer and check the stream for errors, without renaming yet. */
ng_status ng_csv_flush(ng_csv_writer *w, ng_error *err);
/* Flush, fsync and rename into place. The writer is closed either way. */
ng_status ng_csv_commit(ng_csv_writer *w, ng_error *err);
/* Drop everything: the target is not created (or keeps its previous content). */
void ng_csv_abort(ng_csv_writer *w);

/* Format one row (with its newline) at dst, which must hold the _ROW_MAX bytes. */
size_t ng_csv_format_packet(char *dst, const ng_packet_row *row);
size_t ng_csv_format_flow(char *dst, const ng_flow_row *flow);

/* Two writers behind one sink; either may be NULL (its rows are dropped). */
typedef struct ng_csv_pair {
    ng_csv_writer *packets, *flows;
} ng_csv_pair;

/* A sink writing packet rows and flow rows to pair's writers; pair must outlive it. */
ng_feature_sink ng_csv_sink(ng_csv_pair *pair);

#endif
