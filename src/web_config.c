/*
 * web_config: the saved configurations of the Config menu, in the file
 * pprof keeps them in and with its JSON shape (settings.go), so the two
 * tools share them:
 *
 *   {"configs": [{"name": "mine", "focus": "main", "trim": true, ...}]}
 *
 * A config holds every saved field (options_fields' saved ones, by their
 * pprof names); the file leaves out the fields at their zero value, as
 * Go's omitempty does, and reads them back as zero.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include "json.h"
#include "web_int.h"

char *web_settings_file(char *err, size_t errsize)
{
	/* Go's os.UserConfigDir on Unix */
	const char *xdg = getenv("XDG_CONFIG_HOME"), *home = getenv("HOME");
	struct strbuf b = STRBUF_INIT;
	if (xdg && xdg[0]) {
		if (xdg[0] != '/') {
			snprintf(err, errsize, "path in $XDG_CONFIG_HOME is relative");
			return NULL;
		}
		sb_adds(&b, xdg);
	} else if (home && home[0]) {
		sb_addf(&b, "%s/.config", home);
	} else {
		snprintf(err, errsize, "neither $XDG_CONFIG_HOME nor $HOME are defined");
		return NULL;
	}
	sb_adds(&b, "/pprof/settings.json");
	return b.s;
}

/* zero_config is Go's zero config with pprof's resetTransient: the fields never saved come from current. */
static void zero_config(struct options *o, const struct options *current)
{
	memset(o, 0, sizeof *o);
	for (size_t i = 0; i < n_option_fields; i++) {
		const struct option_field *f = &option_fields[i];
		if (f->type == OPT_STRING)
			*(char **)((char *)o + f->offset) = xstrdup("");
	}
	const char *transient[] = { "output", "source_path", "trim_path", "divide_by", "sample_index" };
	for (size_t i = 0; i < sizeof transient / sizeof transient[0]; i++) {
		const struct option_field *f = option_find(transient[i]);
		if (f->type == OPT_STRING) {
			char **dst = (char **)((char *)o + f->offset);
			free(*dst);
			*dst = xstrdup(*(char *const *)((const char *)current + f->offset));
		} else {
			memcpy((char *)o + f->offset, (const char *)current + f->offset, sizeof(double));
		}
	}
}

static bool is_integer(const char *num)
{
	return !strpbrk(num, ".eE");
}

/* set_saved sets field f from JSON value v as Go's json.Unmarshal would; false on a type mismatch. */
static bool set_saved(struct options *o, const struct option_field *f, const struct json *v)
{
	char *p = (char *)o + f->offset;
	if (v->type == JSON_NULL)
		return true; /* null leaves a field as it is */
	switch (f->type) {
	case OPT_BOOL:
		if (v->type != JSON_BOOL)
			return false;
		*(bool *)p = v->b;
		return true;
	case OPT_INT: {
		if (v->type != JSON_NUMBER || !is_integer(v->text))
			return false;
		char *end;
		errno = 0;
		long n = strtol(v->text, &end, 10);
		if (errno || n > 0x7fffffffL || n < -0x7fffffffL - 1)
			return false;
		*(int *)p = (int)n;
		return true;
	}
	case OPT_FLOAT:
		if (v->type != JSON_NUMBER)
			return false;
		*(double *)p = strtod(v->text, NULL);
		return true;
	case OPT_STRING:
		if (v->type != JSON_STRING)
			return false;
		free(*(char **)p);
		*(char **)p = xstrdup(v->text);
		return true;
	}
	return false;
}

/* json_kind names a value as Go's UnmarshalTypeError does: "number 1.5", "string", ... */
static const char *json_kind(const struct json *v, char *buf, size_t size)
{
	static const char *const kinds[] = { "null", "bool", "number", "string", "array", "object" };
	if (v->type == JSON_NUMBER)
		snprintf(buf, size, "number %s", v->text);
	else
		snprintf(buf, size, "%s", kinds[v->type]);
	return buf;
}

/* read_config fills c from a JSON object; -1 with Go's message at the first field of the wrong type. */
static int read_config(struct named_config *c, const struct json *obj, const struct options *current, char *err,
		       size_t errsize)
{
	zero_config(&c->o, current);
	c->name = xstrdup("");
	int rc = 0;
	char kind[64];
	for (size_t i = 0; i < obj->n; i++) {
		const char *key = obj->key[i];
		const struct json *v = &obj->item[i];
		/* Go matches member names to fields without regard to case */
		if (!strcasecmp(key, "name")) {
			if (v->type == JSON_STRING) {
				free(c->name);
				c->name = xstrdup(v->text);
			} else if (v->type != JSON_NULL && rc == 0) {
				snprintf(err, errsize, "json: cannot unmarshal %s into Go struct field namedConfig.configs.name of type string",
					 json_kind(v, kind, sizeof kind));
				rc = -1;
			}
			continue;
		}
		for (size_t k = 0; k < n_option_fields; k++) {
			const struct option_field *f = &option_fields[k];
			if (!f->saved || strcasecmp(f->name, key) != 0)
				continue;
			if (!set_saved(&c->o, f, v) && rc == 0) {
				static const char *const types[] = { "bool", "int", "float64", "string" };
				snprintf(err, errsize, "json: cannot unmarshal %s into Go struct field namedConfig.configs.%s of type %s",
					 json_kind(v, kind, sizeof kind), f->name, types[f->type]);
				rc = -1;
			}
		}
	}
	return rc;
}

void web_free_settings(struct named_config *c, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(c[i].name);
		options_free(&c[i].o);
	}
	free(c);
}

int web_read_settings(const char *file, const struct options *current, struct named_config **out, size_t *n,
		      char *err, size_t errsize)
{
	*out = NULL;
	*n = 0;
	FILE *f = fopen(file, "rb");
	if (!f) {
		if (errno == ENOENT)
			return 0;
		snprintf(err, errsize, "could not read settings: open %s: %s", file, strerror(errno));
		return -1;
	}
	struct strbuf text = STRBUF_INIT;
	char buf[65536];
	size_t got;
	/* a settings file is a few kilobytes: 16 MB is more than any pprof writes */
	while ((got = fread(buf, 1, sizeof buf, f)) > 0 && text.len < (16u << 20))
		sb_addn(&text, buf, got);
	bool bad = ferror(f) || text.len >= (16u << 20);
	fclose(f);
	if (bad) {
		snprintf(err, errsize, "could not read settings: %s: %s", file, text.len ? "too large" : strerror(EIO));
		sb_free(&text);
		return -1;
	}
	char perr[256];
	struct json *j = json_parse(sb_cstr(&text), text.len, perr, sizeof perr);
	sb_free(&text);
	if (!j || j->type != JSON_OBJECT) {
		snprintf(err, errsize, "could not parse settings: %s", j ? "json: cannot unmarshal into settings" : perr);
		json_free(j);
		return -1;
	}
	const struct json *configs = NULL;
	for (size_t i = 0; i < j->n; i++)
		if (!strcasecmp(j->key[i], "configs"))
			configs = &j->item[i];
	int rc = 0;
	char kind[64];
	if (configs && configs->type == JSON_ARRAY) {
		struct named_config *c = xcalloc(configs->n + 1, sizeof *c);
		size_t k = 0;
		for (size_t i = 0; i < configs->n; i++) {
			if (configs->item[i].type != JSON_OBJECT) {
				if (rc == 0)
					snprintf(err, errsize, "could not parse settings: json: cannot unmarshal %s into Go struct field settings.configs of type driver.namedConfig",
						 json_kind(&configs->item[i], kind, sizeof kind));
				rc = -1;
				continue;
			}
			char e[256];
			if (read_config(&c[k++], &configs->item[i], current, e, sizeof e) < 0 && rc == 0) {
				snprintf(err, errsize, "could not parse settings: %s", e);
				rc = -1;
			}
		}
		*out = c;
		*n = k;
	} else if (configs && configs->type != JSON_NULL) {
		snprintf(err, errsize, "could not parse settings: json: cannot unmarshal %s into Go struct field settings.configs of type []driver.namedConfig",
			 json_kind(configs, kind, sizeof kind));
		rc = -1;
	}
	json_free(j);
	if (rc < 0) {
		web_free_settings(*out, *n);
		*out = NULL;
		*n = 0;
	}
	return rc;
}

/* write_config writes one config as Go's json.MarshalIndent does, its zero fields left out. */
static void write_config(struct strbuf *b, const struct named_config *c)
{
	sb_adds(b, "    {\n      \"name\": ");
	json_pstr(b, c->name);
	for (size_t i = 0; i < n_option_fields; i++) {
		const struct option_field *f = &option_fields[i];
		if (!f->saved)
			continue;
		const char *p = (const char *)&c->o + f->offset;
		bool zero = f->type == OPT_BOOL     ? !*(const bool *)p
			    : f->type == OPT_INT    ? *(const int *)p == 0
			    : f->type == OPT_FLOAT  ? *(const double *)p == 0
						    : !(*(char *const *)p)[0];
		if (zero)
			continue;
		sb_adds(b, ",\n      ");
		json_pstr(b, f->name);
		sb_adds(b, ": ");
		if (f->type == OPT_BOOL)
			json_bool(b, true);
		else if (f->type == OPT_INT)
			json_int(b, *(const int *)p);
		else if (f->type == OPT_FLOAT)
			json_double(b, *(const double *)p);
		else
			json_pstr(b, *(char *const *)p);
	}
	sb_adds(b, "\n    }");
}

static int write_settings(const char *file, const struct named_config *c, size_t n, char *err, size_t errsize)
{
	struct strbuf b = STRBUF_INIT;
	if (n == 0) {
		sb_adds(&b, "{\n  \"configs\": []\n}");
	} else {
		sb_adds(&b, "{\n  \"configs\": [\n");
		for (size_t i = 0; i < n; i++) {
			write_config(&b, &c[i]);
			sb_adds(&b, i + 1 < n ? ",\n" : "\n");
		}
		sb_adds(&b, "  ]\n}");
	}
	/* the directories as os.MkdirAll makes them, 0700 as XDG asks */
	char *dir = xstrdup(file);
	int rc = -1;
	for (char *s = dir + 1; (s = strchr(s, '/')); s++) {
		*s = '\0';
		if (mkdir(dir, 0700) != 0 && errno != EEXIST) {
			snprintf(err, errsize, "failed to create settings directory: mkdir %s: %s", dir, strerror(errno));
			goto out;
		}
		*s = '/';
	}
	FILE *f = fopen(file, "wb");
	if (!f) {
		snprintf(err, errsize, "failed to write settings: open %s: %s", file, strerror(errno));
		goto out;
	}
	size_t w = fwrite(b.s, 1, b.len, f);
	if (fclose(f) != 0 || w != b.len) {
		snprintf(err, errsize, "failed to write settings: write %s: %s", file, strerror(errno));
		goto out;
	}
	chmod(file, 0644);
	rc = 0;
out:
	free(dir);
	sb_free(&b);
	return rc;
}

int web_save_config(const char *file, const struct options *current, const struct query *q, char *err,
		    size_t errsize)
{
	const char *name = query_get(q, "config");
	if (!name[0]) {
		snprintf(err, errsize, "invalid config name");
		return -1;
	}
	struct options cfg;
	options_copy(&cfg, current);
	int rc = web_apply_url(&cfg, q, err, errsize);
	struct named_config *c = NULL;
	size_t n = 0;
	if (rc == 0)
		rc = web_read_settings(file, current, &c, &n, err, errsize);
	if (rc == 0) {
		size_t i = 0;
		while (i < n && strcmp(c[i].name, name) != 0)
			i++;
		if (i == n) {
			c = xreallocarray(c, n + 1, sizeof *c);
			c[n].name = xstrdup(name);
			n++;
		} else {
			options_free(&c[i].o);
		}
		options_copy(&c[i].o, &cfg);
		rc = write_settings(file, c, n, err, errsize);
	}
	web_free_settings(c, n);
	options_free(&cfg);
	return rc;
}

int web_delete_config(const char *file, const struct options *current, const char *name, char *err,
		      size_t errsize)
{
	struct named_config *c = NULL;
	size_t n = 0;
	int rc = web_read_settings(file, current, &c, &n, err, errsize);
	if (rc == 0) {
		size_t i = 0;
		while (i < n && strcmp(c[i].name, name) != 0)
			i++;
		if (i == n) {
			snprintf(err, errsize, "config %s not found", name);
			rc = -1;
		} else {
			free(c[i].name);
			options_free(&c[i].o);
			memmove(&c[i], &c[i + 1], (n - i - 1) * sizeof *c);
			n--;
			rc = write_settings(file, c, n, err, errsize);
		}
	}
	web_free_settings(c, n);
	return rc;
}

/* menu_entry writes one entry of the Config menu; true when the config changes nothing of the URL. */
static bool menu_entry(struct strbuf *json, const char *name, const struct options *o, const char *raw_query,
		       bool user, size_t *current_at)
{
	struct query q;
	query_parse(&q, raw_query);
	bool changed = web_make_url(o, &q);
	struct strbuf url = STRBUF_INIT;
	sb_addc(&url, '?');
	if (changed)
		query_encode(&q, &url);
	else
		sb_adds(&url, raw_query);
	query_free(&q);
	if (json->len > 1)
		sb_addc(json, ',');
	sb_addc(json, '{');
	json_key(json, "name", true);
	json_pstr(json, name);
	json_key(json, "url", false);
	json_pstr(json, sb_cstr(&url));
	json_key(json, "user", false);
	json_bool(json, user);
	json_key(json, "current", false);
	*current_at = json->len; /* where "false" is, to mark the current one */
	json_bool(json, false);
	sb_addc(json, '}');
	sb_free(&url);
	return !changed;
}

void web_config_menu(const char *file, const struct options *current, const char *raw_query, struct strbuf *json)
{
	struct options def;
	options_init(&def);
	struct named_config *c = NULL;
	size_t n = 0;
	char err[256];
	if (file)
		web_read_settings(file, current, &c, &n, err, sizeof err); /* as pprof, a bad file is no config */
	struct strbuf menu = STRBUF_INIT;
	sb_addc(&menu, '[');
	size_t at, last = 0;
	bool any = false;
	if (menu_entry(&menu, "Default", &def, raw_query, false, &at)) {
		last = at;
		any = true;
	}
	for (size_t i = 0; i < n; i++)
		if (menu_entry(&menu, c[i].name, &c[i].o, raw_query, true, &at)) {
			last = at;
			any = true;
		}
	sb_addc(&menu, ']');
	if (any) {
		/* "false" becomes "true " : the JSON stays valid */
		memcpy(menu.s + last, "true ", 5);
	}
	sb_addn(json, menu.s, menu.len);
	sb_free(&menu);
	web_free_settings(c, n);
	options_free(&def);
}
