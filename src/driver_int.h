/*
 * driver_int: what the driver's files share: driver_report.c hands
 * reports to driver_output.c, and prepares them for driver_series.c.
 *
 * driver_deliver generates the report and sends it where req's command
 * wants it: rendered to an image, into a file named as pprof names it
 * rather than to a terminal (with the file's name in warn), or to a viewer
 * program through a temporary file. Without -output, viewers are used;
 * with it, out is the output file.
 */
#ifndef CPROF_DRIVER_INT_H
#define CPROF_DRIVER_INT_H

#include "driver.h"
#include "report.h"

int driver_deliver(struct report *r, const struct report_request *req, FILE *out, struct strbuf *warn, char *err,
		   size_t errsize);

/*
 * driver_deliver_made delivers report bytes made otherwise (a series'),
 * as driver_deliver does: NUL bytes back when r's profile is escaped, a
 * file rather than a terminal for a command whose output goes away from
 * one. buf's bytes may be changed.
 */
int driver_deliver_made(const struct report *r, const struct report_request *req, FILE *out, char *buf, size_t n,
			struct strbuf *warn, char *err, size_t errsize);

/*
 * A report made ready from a loaded profile: its options after command
 * overrides, its sample selection and total, and r.p, the profile after
 * every transform (label frames, filters, aggregation), which the
 * prepared report owns with the steps before it.
 */
struct prepared {
	struct report r;
	struct profile *framed, *focused, *agg;
};

/* driver_prepare is driver_report up to the format: 0, or -1 with a message (pr needs freeing either way). */
int driver_prepare(struct prepared *pr, const struct profile *loaded, const struct options *opt,
		   const struct report_request *req, struct strbuf *warn, char *err, size_t errsize);
void driver_prepared_free(struct prepared *pr);

#endif
