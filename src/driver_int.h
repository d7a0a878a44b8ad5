/*
 * driver_int: what driver_report.c hands to driver_output.c.
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

#endif
