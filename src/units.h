/*
 * units: scaling of sample values between units and their labels, exactly
 * as pprof's measurement package does it (bytes, time and GCU families).
 *
 * Unit names are matched case-insensitively, with a trailing 's' ignored on
 * names longer than two characters, against each family's aliases. The
 * returned unit strings are static.
 */
#ifndef CPROF_UNITS_H
#define CPROF_UNITS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*
 * units_scale converts value from from_unit to to_unit and stores the name
 * of the resulting unit in *unit_out ("" when the unit is uninteresting,
 * such as counts). to_unit "minimum" or "auto" picks the largest unit that
 * keeps the value at least 1.
 */
double units_scale(int64_t value, const char *from_unit, const char *to_unit, const char **unit_out);

/* units_label formats value like pprof's ScaledLabel into buf ("1.50MB", "0"). */
void units_label(char *buf, size_t size, int64_t value, const char *from_unit, const char *to_unit);

/* units_percentage formats value/total*100 like pprof's Percentage ("12.50%", "  100%"). */
void units_percentage(char *buf, size_t size, int64_t value, int64_t total);

/*
 * units_name is the i-th name -unit accepts (i from 0 until NULL): "minimum"
 * and "auto", with what they do in *about, then every alias pprof matches,
 * lower case ("kb", "megabyte", "ms"), with its unit's label in *about ("kB").
 */
const char *units_name(size_t i, const char **about);

/* units_compatible reports whether two units belong to the same family (or are equal). */
bool units_compatible(const char *a, const char *b);


#endif
