// The platform's DNS resolver library (libresolv: glibc's on Linux, BIND's on Apple systems), for
// Courier's DNS instance resolvers. Swift cannot call resolv.h's macros (ns_rr_type and others,
// and Apple's res_9_ names), so the few calls Courier makes are wrapped here, as inline functions
// the Swift compiler imports. Nothing here speaks the DNS protocol: queries and parsing are
// libresolv's.
#ifndef COURIER_CRESOLV_H
#define COURIER_CRESOLV_H

#include <sys/types.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include <arpa/nameser.h>
#include <resolv.h>
#include <netdb.h>
#include <string.h>

/// One record of an answer: an address (A or AAAA, as text) or a service location (SRV).
typedef struct {
    /// ns_t_a, ns_t_aaaa or ns_t_srv.
    int type;
    /// 0 for the answer section, 1 for the additional section.
    int section;
    /// The record's time to live, in seconds.
    unsigned int ttl;
    /// SRV only.
    unsigned short priority;
    unsigned short weight;
    unsigned short port;
    /// The record's owner name.
    char name[NS_MAXDNAME];
    /// The address as text (A, AAAA) or the target host name (SRV).
    char value[NS_MAXDNAME];
} courier_dns_record;

/// Why a query has no answer, when it has none.
enum {
    /// The name server could not be reached or did not answer in time.
    courier_dns_unreachable = -1,
    /// The name server given is not an IPv4 address.
    courier_dns_bad_server = -2,
    /// The name does not exist (NXDOMAIN).
    courier_dns_no_such_name = -3,
    /// The name exists but has no records of the type asked for.
    courier_dns_no_data = -4,
    /// The name server failed (SERVFAIL, REFUSED) or the answer could not be parsed.
    courier_dns_server_failure = -5,
};

/// Asks for the records of `type` named `name`, from `server` (an IPv4 address) on `port`, or from
/// the system's name servers when `server` is NULL. Each try waits `timeout_seconds`; `attempts`
/// tries are made. Returns the answer's length, or one of the negative codes above.
static inline int courier_dns_query(
    const char *name, int type, const char *server, int port, int timeout_seconds, int attempts,
    unsigned char *answer, int capacity)
{
    struct __res_state state;
    memset(&state, 0, sizeof state);
    if (res_ninit(&state) != 0) { return courier_dns_unreachable; }
    state.retrans = timeout_seconds;
    state.retry = attempts;
    if (server != NULL) {
        struct in_addr address;
        if (inet_pton(AF_INET, server, &address) != 1) {
#ifdef __APPLE__
            res_ndestroy(&state);
#else
            res_nclose(&state);
#endif
            return courier_dns_bad_server;
        }
        state.nsaddr_list[0].sin_family = AF_INET;
        state.nsaddr_list[0].sin_addr = address;
        state.nsaddr_list[0].sin_port = htons((unsigned short)port);
        state.nscount = 1;
    }
    int length = res_nquery(&state, name, ns_c_in, type, answer, capacity);
    int error = state.res_h_errno;
#ifdef __APPLE__
    res_ndestroy(&state);
#else
    res_nclose(&state);
#endif
    if (length >= 0) { return length; }
    switch (error) {
    case HOST_NOT_FOUND: return courier_dns_no_such_name;
    case NO_DATA: return courier_dns_no_data;
    case NO_RECOVERY: return courier_dns_server_failure;
    default: return courier_dns_unreachable;
    }
}

/// Parses the answer and additional sections of `answer` into `records`, keeping A, AAAA and SRV
/// records. Returns how many were written (at most `capacity`), or -1 when the answer does not parse.
static inline int courier_dns_records(
    const unsigned char *answer, int length, courier_dns_record *records, int capacity)
{
    ns_msg message;
    if (ns_initparse(answer, length, &message) != 0) { return -1; }
    int count = 0;
    ns_sect sections[2] = { ns_s_an, ns_s_ar };
    for (int s = 0; s < 2; s++) {
        int total = ns_msg_count(message, sections[s]);
        for (int index = 0; index < total && count < capacity; index++) {
            ns_rr rr;
            if (ns_parserr(&message, sections[s], index, &rr) != 0) { return -1; }
            int type = ns_rr_type(rr);
            const unsigned char *data = ns_rr_rdata(rr);
            int dataLength = ns_rr_rdlen(rr);
            courier_dns_record *record = &records[count];
            memset(record, 0, sizeof *record);
            record->type = type;
            record->section = s;
            record->ttl = ns_rr_ttl(rr);
            strncpy(record->name, ns_rr_name(rr), NS_MAXDNAME - 1);
            if (type == ns_t_a && dataLength == 4) {
                if (inet_ntop(AF_INET, data, record->value, NS_MAXDNAME) == NULL) { continue; }
            } else if (type == ns_t_aaaa && dataLength == 16) {
                if (inet_ntop(AF_INET6, data, record->value, NS_MAXDNAME) == NULL) { continue; }
            } else if (type == ns_t_srv && dataLength > 6) {
                record->priority = (unsigned short)((data[0] << 8) | data[1]);
                record->weight = (unsigned short)((data[2] << 8) | data[3]);
                record->port = (unsigned short)((data[4] << 8) | data[5]);
                if (dn_expand(ns_msg_base(message), ns_msg_end(message), data + 6, record->value, NS_MAXDNAME) < 0) {
                    continue;
                }
            } else {
                continue;
            }
            count++;
        }
    }
    return count;
}

#endif
