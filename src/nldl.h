/* SPDX-License-Identifier: ISC */
/*
 * nldl.h: libmnl and libnftnl, opened with dlopen the first time a
 * diagnosis or a trace needs them, as systemd opens its optional
 * libraries.  A success uses neither, and a program linked with them pays
 * for loading, relocating and protecting both at every start (19 system
 * calls).  The tool is not linked with them: each of their
 * functions that the sources call is named in the lists below, and a
 * source that includes this header (after the libraries' own headers)
 * calls it through the table of its library.  A function missing from the
 * lists fails the link.
 *
 * Before its first call into a library, a caller that can go on without
 * it asks nldl_mnl() or nldl_nftnl(); a call with the library missing is a
 * bug and aborts.  The libraries are looked for by the names (SONAME)
 * configure read from a program linked with them.
 */
#ifndef ISOCK_NLDL_H
#define ISOCK_NLDL_H

#include <stdbool.h>

#include <libmnl/libmnl.h>
#ifdef HAVE_NFTNL
#include <libnftnl/chain.h>
#include <libnftnl/common.h>
#include <libnftnl/expr.h>
#include <libnftnl/rule.h>
#include <libnftnl/set.h>
#include <libnftnl/table.h>
#include <libnftnl/trace.h>
#include <libnftnl/udata.h>
#endif

/* The functions of libmnl the sources call. */
#define NLDL_MNL_FUNCS(X) \
	X(mnl_attr_get_payload) \
	X(mnl_attr_get_payload_len) \
	X(mnl_attr_get_type) \
	X(mnl_attr_get_u32) \
	X(mnl_attr_parse) \
	X(mnl_attr_put) \
	X(mnl_attr_put_u32) \
	X(mnl_attr_validate) \
	X(mnl_cb_run) \
	X(mnl_cb_run2) \
	X(mnl_nlmsg_batch_current) \
	X(mnl_nlmsg_batch_head) \
	X(mnl_nlmsg_batch_next) \
	X(mnl_nlmsg_batch_size) \
	X(mnl_nlmsg_batch_start) \
	X(mnl_nlmsg_batch_stop) \
	X(mnl_nlmsg_get_payload) \
	X(mnl_nlmsg_get_payload_len) \
	X(mnl_nlmsg_next) \
	X(mnl_nlmsg_ok) \
	X(mnl_nlmsg_put_extra_header) \
	X(mnl_nlmsg_put_header) \
	X(mnl_nlmsg_size) \
	X(mnl_socket_bind) \
	X(mnl_socket_close) \
	X(mnl_socket_get_fd) \
	X(mnl_socket_get_portid) \
	X(mnl_socket_open2) \
	X(mnl_socket_recvfrom) \
	X(mnl_socket_sendto) \
	X(mnl_socket_setsockopt)

/* The functions of libnftnl the sources call. */
#define NLDL_NFTNL_FUNCS(X) \
	X(nftnl_batch_begin) \
	X(nftnl_batch_end) \
	X(nftnl_chain_alloc) \
	X(nftnl_chain_free) \
	X(nftnl_chain_get_str) \
	X(nftnl_chain_get_u32) \
	X(nftnl_chain_is_set) \
	X(nftnl_chain_nlmsg_build_payload) \
	X(nftnl_chain_nlmsg_parse) \
	X(nftnl_chain_set_s32) \
	X(nftnl_chain_set_str) \
	X(nftnl_chain_set_u32) \
	X(nftnl_expr_alloc) \
	X(nftnl_expr_foreach) \
	X(nftnl_expr_get) \
	X(nftnl_expr_get_str) \
	X(nftnl_expr_get_u32) \
	X(nftnl_expr_get_u64) \
	X(nftnl_expr_is_set) \
	X(nftnl_expr_set) \
	X(nftnl_expr_set_u32) \
	X(nftnl_nlmsg_build_hdr) \
	X(nftnl_rule_add_expr) \
	X(nftnl_rule_alloc) \
	X(nftnl_rule_free) \
	X(nftnl_rule_get_data) \
	X(nftnl_rule_get_str) \
	X(nftnl_rule_get_u32) \
	X(nftnl_rule_is_set) \
	X(nftnl_rule_nlmsg_build_payload) \
	X(nftnl_rule_nlmsg_parse) \
	X(nftnl_rule_set_str) \
	X(nftnl_rule_set_u32) \
	X(nftnl_rule_set_u64) \
	X(nftnl_rule_snprintf) \
	X(nftnl_set_alloc) \
	X(nftnl_set_elem_foreach) \
	X(nftnl_set_elem_get) \
	X(nftnl_set_elem_get_u32) \
	X(nftnl_set_elem_is_set) \
	X(nftnl_set_elems_nlmsg_build_payload) \
	X(nftnl_set_elems_nlmsg_parse) \
	X(nftnl_set_free) \
	X(nftnl_set_get_str) \
	X(nftnl_set_get_u32) \
	X(nftnl_set_set_str) \
	X(nftnl_table_alloc) \
	X(nftnl_table_free) \
	X(nftnl_table_nlmsg_build_payload) \
	X(nftnl_table_set_str) \
	X(nftnl_table_set_u32) \
	X(nftnl_trace_alloc) \
	X(nftnl_trace_free) \
	X(nftnl_trace_get_data) \
	X(nftnl_trace_get_str) \
	X(nftnl_trace_get_u32) \
	X(nftnl_trace_get_u64) \
	X(nftnl_trace_is_set) \
	X(nftnl_trace_nlmsg_parse) \
	X(nftnl_udata_get) \
	X(nftnl_udata_len) \
	X(nftnl_udata_parse) \
	X(nftnl_udata_type)

#define NLDL_FIELD(f) __typeof__(f) *f;
struct nldl_mnl {
	NLDL_MNL_FUNCS(NLDL_FIELD)
};
#ifdef HAVE_NFTNL
struct nldl_nftnl {
	NLDL_NFTNL_FUNCS(NLDL_FIELD)
};
#endif

/*
 * True once libmnl is open with every function of the list; false when it
 * cannot be (nldl_error() says why).  Tried once a run.
 */
bool nldl_mnl(void);

/* The same for libnftnl (and libmnl, which it needs). */
bool nldl_nftnl(void);

/* Why a library could not be opened ("" when it was). */
const char *nldl_error(void);

/* The table of libmnl, opened if need be; aborts when it cannot be. */
const struct nldl_mnl *nldl_mnl_fns(void);

#ifdef HAVE_NFTNL
/* The table of libnftnl, likewise. */
const struct nldl_nftnl *nldl_nftnl_fns(void);
#endif

/* Every call below goes through the tables (nldl.c defines NLDL_SELF). */
#ifndef NLDL_SELF
#define mnl_attr_get_payload (*nldl_mnl_fns()->mnl_attr_get_payload)
#define mnl_attr_get_payload_len (*nldl_mnl_fns()->mnl_attr_get_payload_len)
#define mnl_attr_get_type (*nldl_mnl_fns()->mnl_attr_get_type)
#define mnl_attr_get_u32 (*nldl_mnl_fns()->mnl_attr_get_u32)
#define mnl_attr_parse (*nldl_mnl_fns()->mnl_attr_parse)
#define mnl_attr_put (*nldl_mnl_fns()->mnl_attr_put)
#define mnl_attr_put_u32 (*nldl_mnl_fns()->mnl_attr_put_u32)
#define mnl_attr_validate (*nldl_mnl_fns()->mnl_attr_validate)
#define mnl_cb_run (*nldl_mnl_fns()->mnl_cb_run)
#define mnl_cb_run2 (*nldl_mnl_fns()->mnl_cb_run2)
#define mnl_nlmsg_batch_current (*nldl_mnl_fns()->mnl_nlmsg_batch_current)
#define mnl_nlmsg_batch_head (*nldl_mnl_fns()->mnl_nlmsg_batch_head)
#define mnl_nlmsg_batch_next (*nldl_mnl_fns()->mnl_nlmsg_batch_next)
#define mnl_nlmsg_batch_size (*nldl_mnl_fns()->mnl_nlmsg_batch_size)
#define mnl_nlmsg_batch_start (*nldl_mnl_fns()->mnl_nlmsg_batch_start)
#define mnl_nlmsg_batch_stop (*nldl_mnl_fns()->mnl_nlmsg_batch_stop)
#define mnl_nlmsg_get_payload (*nldl_mnl_fns()->mnl_nlmsg_get_payload)
#define mnl_nlmsg_get_payload_len (*nldl_mnl_fns()->mnl_nlmsg_get_payload_len)
#define mnl_nlmsg_next (*nldl_mnl_fns()->mnl_nlmsg_next)
#define mnl_nlmsg_ok (*nldl_mnl_fns()->mnl_nlmsg_ok)
#define mnl_nlmsg_put_extra_header (*nldl_mnl_fns()->mnl_nlmsg_put_extra_header)
#define mnl_nlmsg_put_header (*nldl_mnl_fns()->mnl_nlmsg_put_header)
#define mnl_nlmsg_size (*nldl_mnl_fns()->mnl_nlmsg_size)
#define mnl_socket_bind (*nldl_mnl_fns()->mnl_socket_bind)
#define mnl_socket_close (*nldl_mnl_fns()->mnl_socket_close)
#define mnl_socket_get_fd (*nldl_mnl_fns()->mnl_socket_get_fd)
#define mnl_socket_get_portid (*nldl_mnl_fns()->mnl_socket_get_portid)
#define mnl_socket_open2 (*nldl_mnl_fns()->mnl_socket_open2)
#define mnl_socket_recvfrom (*nldl_mnl_fns()->mnl_socket_recvfrom)
#define mnl_socket_sendto (*nldl_mnl_fns()->mnl_socket_sendto)
#define mnl_socket_setsockopt (*nldl_mnl_fns()->mnl_socket_setsockopt)
#ifdef HAVE_NFTNL
#define nftnl_batch_begin (*nldl_nftnl_fns()->nftnl_batch_begin)
#define nftnl_batch_end (*nldl_nftnl_fns()->nftnl_batch_end)
#define nftnl_chain_alloc (*nldl_nftnl_fns()->nftnl_chain_alloc)
#define nftnl_chain_free (*nldl_nftnl_fns()->nftnl_chain_free)
#define nftnl_chain_get_str (*nldl_nftnl_fns()->nftnl_chain_get_str)
#define nftnl_chain_get_u32 (*nldl_nftnl_fns()->nftnl_chain_get_u32)
#define nftnl_chain_is_set (*nldl_nftnl_fns()->nftnl_chain_is_set)
#define nftnl_chain_nlmsg_build_payload (*nldl_nftnl_fns()->nftnl_chain_nlmsg_build_payload)
#define nftnl_chain_nlmsg_parse (*nldl_nftnl_fns()->nftnl_chain_nlmsg_parse)
#define nftnl_chain_set_s32 (*nldl_nftnl_fns()->nftnl_chain_set_s32)
#define nftnl_chain_set_str (*nldl_nftnl_fns()->nftnl_chain_set_str)
#define nftnl_chain_set_u32 (*nldl_nftnl_fns()->nftnl_chain_set_u32)
#define nftnl_expr_alloc (*nldl_nftnl_fns()->nftnl_expr_alloc)
#define nftnl_expr_foreach (*nldl_nftnl_fns()->nftnl_expr_foreach)
#define nftnl_expr_get (*nldl_nftnl_fns()->nftnl_expr_get)
#define nftnl_expr_get_str (*nldl_nftnl_fns()->nftnl_expr_get_str)
#define nftnl_expr_get_u32 (*nldl_nftnl_fns()->nftnl_expr_get_u32)
#define nftnl_expr_get_u64 (*nldl_nftnl_fns()->nftnl_expr_get_u64)
#define nftnl_expr_is_set (*nldl_nftnl_fns()->nftnl_expr_is_set)
#define nftnl_expr_set (*nldl_nftnl_fns()->nftnl_expr_set)
#define nftnl_expr_set_u32 (*nldl_nftnl_fns()->nftnl_expr_set_u32)
#define nftnl_nlmsg_build_hdr (*nldl_nftnl_fns()->nftnl_nlmsg_build_hdr)
#define nftnl_rule_add_expr (*nldl_nftnl_fns()->nftnl_rule_add_expr)
#define nftnl_rule_alloc (*nldl_nftnl_fns()->nftnl_rule_alloc)
#define nftnl_rule_free (*nldl_nftnl_fns()->nftnl_rule_free)
#define nftnl_rule_get_data (*nldl_nftnl_fns()->nftnl_rule_get_data)
#define nftnl_rule_get_str (*nldl_nftnl_fns()->nftnl_rule_get_str)
#define nftnl_rule_get_u32 (*nldl_nftnl_fns()->nftnl_rule_get_u32)
#define nftnl_rule_is_set (*nldl_nftnl_fns()->nftnl_rule_is_set)
#define nftnl_rule_nlmsg_build_payload (*nldl_nftnl_fns()->nftnl_rule_nlmsg_build_payload)
#define nftnl_rule_nlmsg_parse (*nldl_nftnl_fns()->nftnl_rule_nlmsg_parse)
#define nftnl_rule_set_str (*nldl_nftnl_fns()->nftnl_rule_set_str)
#define nftnl_rule_set_u32 (*nldl_nftnl_fns()->nftnl_rule_set_u32)
#define nftnl_rule_set_u64 (*nldl_nftnl_fns()->nftnl_rule_set_u64)
#define nftnl_rule_snprintf (*nldl_nftnl_fns()->nftnl_rule_snprintf)
#define nftnl_set_alloc (*nldl_nftnl_fns()->nftnl_set_alloc)
#define nftnl_set_elem_foreach (*nldl_nftnl_fns()->nftnl_set_elem_foreach)
#define nftnl_set_elem_get (*nldl_nftnl_fns()->nftnl_set_elem_get)
#define nftnl_set_elem_get_u32 (*nldl_nftnl_fns()->nftnl_set_elem_get_u32)
#define nftnl_set_elem_is_set (*nldl_nftnl_fns()->nftnl_set_elem_is_set)
#define nftnl_set_elems_nlmsg_build_payload (*nldl_nftnl_fns()->nftnl_set_elems_nlmsg_build_payload)
#define nftnl_set_elems_nlmsg_parse (*nldl_nftnl_fns()->nftnl_set_elems_nlmsg_parse)
#define nftnl_set_free (*nldl_nftnl_fns()->nftnl_set_free)
#define nftnl_set_get_str (*nldl_nftnl_fns()->nftnl_set_get_str)
#define nftnl_set_get_u32 (*nldl_nftnl_fns()->nftnl_set_get_u32)
#define nftnl_set_set_str (*nldl_nftnl_fns()->nftnl_set_set_str)
#define nftnl_table_alloc (*nldl_nftnl_fns()->nftnl_table_alloc)
#define nftnl_table_free (*nldl_nftnl_fns()->nftnl_table_free)
#define nftnl_table_nlmsg_build_payload (*nldl_nftnl_fns()->nftnl_table_nlmsg_build_payload)
#define nftnl_table_set_str (*nldl_nftnl_fns()->nftnl_table_set_str)
#define nftnl_table_set_u32 (*nldl_nftnl_fns()->nftnl_table_set_u32)
#define nftnl_trace_alloc (*nldl_nftnl_fns()->nftnl_trace_alloc)
#define nftnl_trace_free (*nldl_nftnl_fns()->nftnl_trace_free)
#define nftnl_trace_get_data (*nldl_nftnl_fns()->nftnl_trace_get_data)
#define nftnl_trace_get_str (*nldl_nftnl_fns()->nftnl_trace_get_str)
#define nftnl_trace_get_u32 (*nldl_nftnl_fns()->nftnl_trace_get_u32)
#define nftnl_trace_get_u64 (*nldl_nftnl_fns()->nftnl_trace_get_u64)
#define nftnl_trace_is_set (*nldl_nftnl_fns()->nftnl_trace_is_set)
#define nftnl_trace_nlmsg_parse (*nldl_nftnl_fns()->nftnl_trace_nlmsg_parse)
#define nftnl_udata_get (*nldl_nftnl_fns()->nftnl_udata_get)
#define nftnl_udata_len (*nldl_nftnl_fns()->nftnl_udata_len)
#define nftnl_udata_parse (*nldl_nftnl_fns()->nftnl_udata_parse)
#define nftnl_udata_type (*nldl_nftnl_fns()->nftnl_udata_type)
#endif /* HAVE_NFTNL */
#endif /* NLDL_SELF */

#endif /* ISOCK_NLDL_H */
