/*
 * driver_load: the profile a report is made from, as pprof's fetch stage
 * builds it: every source fetched and decoded (in parallel), merged,
 * symbolized, base profiles subtracted (or, with diff_base, marked and
 * negated), frames dropped per the profile's drop_frames, a comment added.
 */
#include "driver.h"

#include <ctype.h>
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "decode.h"
#include "encode.h"
#include "fetch.h"
#include "merge.h"
#include "re.h"
#include "symbolize.h"

/* A profile without mappings gets a fake one, so every location has one (pprof's locateBinaries). */
static void add_fake_mapping(struct profile *p)
{
	if (p->n_mapping > 0)
		return;
	p->mapping = arena_zalloc(p->arena, sizeof *p->mapping);
	p->mapping[0].id = 1;
	p->mapping[0].file = "";
	p->mapping[0].build_id = "";
	p->n_mapping = 1;
	for (size_t i = 0; i < p->n_location; i++)
		p->location[i].mapping = 0;
}

static struct fetch_options fetch_options_of(const struct load_options *so)
{
	return (struct fetch_options){ so->seconds, so->timeout, so->max_inflated, so->tls_cert,
				       so->tls_key,  so->tls_ca,  so->cancel };
}

/* debug_url is url asking for the debug=1 text: the MemStats trailer comes only with it. */
static char *debug_url(const char *url)
{
	struct fetch_url u;
	fetch_url_parse(url, &u);
	struct strbuf b = STRBUF_INIT;
	sb_addf(&b, "%s://%s%s?", u.scheme, u.host, u.path);
	char *q = xstrdup(u.query);
	for (char *tok = strtok(q, "&;"); tok; tok = strtok(NULL, "&;"))
		if (strncmp(tok, "debug=", 6) != 0)
			sb_addf(&b, "%s&", tok);
	sb_adds(&b, "debug=1");
	free(q);
	fetch_url_free(&u);
	return b.s;
}

static bool has_sample_type(const struct profile *p, const char *type)
{
	for (size_t i = 0; i < p->n_sample_type; i++)
		if (!strcmp(p->sample_type[i].type, type))
			return true;
	return false;
}

/*
 * fetch_memstats gets the MemStats trailer of a heap profile fetched as
 * proto, which has none, from the same URL's debug=1 text (-memstats).
 */
static void fetch_memstats(struct profile *p, const char *url, const struct load_options *so, struct strbuf *warn)
{
	if (p->n_memstats || !has_sample_type(p, "inuse_space"))
		return;
	struct fetch_options fo = fetch_options_of(so);
	fo.seconds = 0;
	char *text_url = debug_url(url), *fetched = NULL, err[512];
	uint8_t *data;
	size_t len;
	if (fetch_source(text_url, &fo, &data, &len, &fetched, warn, err, sizeof err) < 0) {
		sb_addf(warn, "Could not fetch runtime.MemStats: %s\n", err);
	} else {
		if (!decode_memstats_text(p, data, len))
			sb_addf(warn, "No runtime.MemStats in %s\n", text_url);
		free(data);
	}
	free(fetched);
	free(text_url);
}

static int64_t wall_nanos(void)
{
	struct timespec t;
	clock_gettime(CLOCK_REALTIME, &t);
	return (int64_t)t.tv_sec * 1000000000 + t.tv_nsec;
}

/* grab is pprof's grabProfile: one source fetched, decoded, its binaries located, its mapping sources noted. */
static struct profile *grab(const char *path, const struct load_options *so, struct symbolize_sources *sources,
			    bool *remote, struct strbuf *warn, char *err, size_t errsize)
{
	struct fetch_options fo = fetch_options_of(so);
	uint8_t *data;
	size_t len;
	char *url;
	int64_t fetched_at = wall_nanos();
	if (fetch_source(path, &fo, &data, &len, &url, warn, err, errsize) < 0)
		return NULL;
	struct decode_options dopt = { .max_inflated = so->max_inflated,
				       .flow_min = so->one_thread ? UINT64_MAX : DECODE_DEFAULT_FLOW_MIN,
				       .max_ratio = so->max_ratio,
				       .lean = so->lean,
				       .lean_ctx = so->lean_ctx };
	struct profile *p = decode_buffer(&data, len, &dopt, err, errsize);
	reuse_free(data);
	if (!p) {
		free(url);
		return NULL;
	}
	symbolize_locate_binaries(p, warn);
	add_fake_mapping(p);
	if (so->exec_name)
		p->mapping[0].file = arena_strdup(p->arena, so->exec_name);
	if (so->build_id && so->build_id[0] && !p->mapping[0].build_id[0])
		p->mapping[0].build_id = arena_strdup(p->arena, so->build_id);
	if (url) {
		symbolize_add_sources(sources, p, url);
		*remote = true;
		if (so->memstats)
			fetch_memstats(p, url, so, warn);
		if (so->saved && !p->time_nanos)
			p->time_nanos = fetched_at;
		free(url);
	}
	return p;
}

/* combine is pprof's combineProfiles: common sample types, common units, then one merged profile. */
static struct profile *combine(struct profile **ps, size_t n, char *err, size_t errsize)
{
	if (merge_compatibilize(ps, n, err, errsize) < 0 || merge_scale_units(ps, n, err, errsize) < 0) {
		for (size_t i = 0; i < n; i++)
			profile_free(ps[i]);
		return NULL;
	}
	if (n == 1)
		return ps[0];
	struct profile *p = merge_profiles(ps, n, err, errsize);
	if (!p)
		for (size_t i = 0; i < n; i++)
			profile_free(ps[i]);
	return p;
}

/*
 * Many sources are merged as pprof's chunkedGrab merges them: CHUNK at a
 * time, each chunk combined on its own and then with what the chunks
 * before it gave. When every source is a regular file a chunk is not held
 * whole, as pprof holds it: two reader threads decode the next few
 * sources (AHEAD at most, decoded or being decoded) while this thread
 * folds each into the chunk's merge and frees it (merge_stream), so the
 * memory follows the merged profile, not the number of sources. A source
 * that does not fit that merge (other sample types or units) makes the
 * chunk be read again and combined whole, which gives the same result.
 */
enum { CHUNK = 128, AHEAD = 4, READERS = 2 };

struct decoded {
	struct profile *p;
	bool ready, remote;
	struct symbolize_sources sources;
	struct strbuf warn;
	char err[512];
};

struct reader {
	char **paths;
	size_t n;
	const struct load_options *so;
	pthread_mutex_t mu;
	pthread_cond_t cond;
	size_t next;  /* the next source a reader thread takes */
	size_t taken; /* sources handed to the folder */
	bool stop;
	int threads;
	pthread_t thread[READERS];
	struct decoded slot[AHEAD];
};

static void decode_one(struct reader *r, size_t i, struct decoded *d)
{
	d->p = grab(r->paths[i], r->so, &d->sources, &d->remote, &d->warn, d->err, sizeof d->err);
}

static void *reader_run(void *arg)
{
	struct reader *r = arg;
	pthread_mutex_lock(&r->mu);
	for (;;) {
		while (!r->stop && r->next < r->n && r->next >= r->taken + AHEAD)
			pthread_cond_wait(&r->cond, &r->mu);
		if (r->stop || r->next >= r->n)
			break;
		size_t i = r->next++;
		struct decoded *d = &r->slot[i % AHEAD];
		pthread_mutex_unlock(&r->mu);
		decode_one(r, i, d);
		pthread_mutex_lock(&r->mu);
		d->ready = true;
		pthread_cond_broadcast(&r->cond);
	}
	pthread_mutex_unlock(&r->mu);
	return NULL;
}

static void reader_start(struct reader *r, char **paths, size_t n, const struct load_options *so, int threads)
{
	memset(r, 0, sizeof *r);
	r->paths = paths;
	r->n = n;
	r->so = so;
	for (int i = 0; i < AHEAD; i++)
		r->slot[i].warn = (struct strbuf)STRBUF_INIT;
	pthread_mutex_init(&r->mu, NULL);
	pthread_cond_init(&r->cond, NULL);
	while (r->threads < threads && pthread_create(&r->thread[r->threads], NULL, reader_run, r) == 0)
		r->threads++;
}

/* reader_take hands over source i (the sources are taken in order): its profile, or NULL with its warning given. */
static struct profile *reader_take(struct reader *r, size_t i, struct symbolize_sources *sources, bool *remote,
				   struct strbuf *warn)
{
	struct decoded *d = &r->slot[i % AHEAD];
	if (r->threads) {
		pthread_mutex_lock(&r->mu);
		while (!d->ready)
			pthread_cond_wait(&r->cond, &r->mu);
		pthread_mutex_unlock(&r->mu);
	} else {
		decode_one(r, i, d);
	}
	struct profile *p = d->p;
	sb_adds(warn, sb_cstr(&d->warn));
	if (!p)
		sb_addf(warn, "%s: %s\n", r->paths[i], d->err);
	symbolize_move_sources(sources, &d->sources);
	*remote |= d->remote;
	sb_reset(&d->warn);
	d->p = NULL;
	d->remote = false;
	pthread_mutex_lock(&r->mu);
	d->ready = false;
	r->taken++;
	pthread_cond_broadcast(&r->cond);
	pthread_mutex_unlock(&r->mu);
	return p;
}

static void reader_stop(struct reader *r)
{
	pthread_mutex_lock(&r->mu);
	r->stop = true;
	pthread_cond_broadcast(&r->cond);
	pthread_mutex_unlock(&r->mu);
	for (int i = 0; i < r->threads; i++)
		pthread_join(r->thread[i], NULL);
	for (int i = 0; i < AHEAD; i++) {
		profile_free(r->slot[i].p);
		symbolize_sources_free(&r->slot[i].sources);
		sb_free(&r->slot[i].warn);
	}
	pthread_cond_destroy(&r->cond);
	pthread_mutex_destroy(&r->mu);
}

/*
 * grab_chunk combines sources first..last-1 into *out (NULL when none
 * could be read), counting those read in *count; -1 when they cannot be
 * combined. With stream, they are merged one at a time while they fit.
 */
static int grab_chunk(struct reader *r, size_t first, size_t last, bool stream, struct symbolize_sources *sources,
		      bool *remote, struct strbuf *warn, struct profile **out, size_t *count, char *err, size_t errsize)
{
	struct merge_stream *ms = stream ? merge_stream_new() : NULL;
	struct profile **held = stream ? NULL : xcalloc(last - first, sizeof *held);
	bool *read = xcalloc(last - first, sizeof *read);
	size_t nheld = 0;
	int rc = 0;
	*count = 0;
	for (size_t i = first; i < last; i++) {
		struct profile *p = reader_take(r, i, sources, remote, warn);
		if (!p)
			continue;
		read[i - first] = true;
		++*count;
		if (ms && merge_stream_fits(ms, p)) {
			merge_stream_add(ms, p);
			continue;
		}
		if (ms) { /* read again, whole, what was merged one at a time */
			merge_stream_free(ms);
			ms = NULL;
			held = xcalloc(last - first, sizeof *held);
			for (size_t j = first; j < i && rc == 0; j++) {
				struct strbuf again = STRBUF_INIT; /* its warnings were given the first time */
				char e[256];
				if (read[j - first] && !(held[nheld++] = grab(r->paths[j], r->so, sources, remote, &again,
									      e, sizeof e))) {
					snprintf(err, errsize, "%s: %s", r->paths[j], e);
					nheld--;
					rc = -1;
				}
				sb_free(&again);
			}
		}
		held[nheld++] = p;
	}
	*out = NULL;
	if (ms)
		*out = merge_stream_finish(ms);
	else if (rc == 0 && nheld > 0 && !(*out = combine(held, nheld, err, errsize)))
		rc = -1;
	else if (rc < 0)
		for (size_t i = 0; i < nheld; i++)
			profile_free(held[i]);
	free(held);
	free(read);
	return rc;
}

/* join combines what the chunks before gave with the next chunk's profile, as one more chunk of two. */
static struct profile *join(struct profile *acc, struct profile *c, char *err, size_t errsize)
{
	struct merge_stream *ms = merge_stream_new();
	if (merge_stream_fits(ms, acc)) {
		merge_stream_add(ms, acc);
		if (merge_stream_fits(ms, c)) {
			merge_stream_add(ms, c);
			return merge_stream_finish(ms);
		}
		acc = merge_stream_finish(ms); /* acc alone, as it came */
	} else {
		merge_stream_free(ms);
	}
	struct profile *pair[2] = { acc, c };
	return combine(pair, 2, err, errsize);
}

static bool regular_file(const char *path)
{
	struct stat st;
	return strcmp(path, "-") != 0 && stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

/* grab_all decodes every path and combines the ones that could be read. */
static struct profile *grab_all(char **paths, int n, const struct load_options *so, const char *what,
				struct symbolize_sources *sources, bool *remote, struct strbuf *warn, char *err,
				size_t errsize)
{
	if (n == 1) { /* the only source: its reason is the error */
		char e[512];
		struct profile *p = grab(paths[0], so, sources, remote, warn, e, sizeof e);
		if (!p)
			snprintf(err, errsize, "%s: %s", paths[0], e);
		else if (!(p = combine(&p, 1, e, sizeof e)))
			snprintf(err, errsize, "problem fetching %s profiles: %s", what, e);
		return p;
	}
	bool files = true;
	for (int i = 0; i < n && files; i++)
		files = regular_file(paths[i]);
	struct reader r;
	reader_start(&r, paths, (size_t)n, so, files ? READERS : 0);
	struct profile *acc = NULL;
	size_t got = 0;
	char e[512];
	for (size_t first = 0; first < (size_t)n; first += CHUNK) {
		size_t last = first + CHUNK < (size_t)n ? first + CHUNK : (size_t)n, count;
		struct profile *c;
		int rc = grab_chunk(&r, first, last, files, sources, remote, warn, &c, &count, e, sizeof e);
		if (rc == 0 && c && acc && !(c = join(acc, c, e, sizeof e))) {
			acc = NULL; /* join freed it */
			rc = -1;
		}
		if (rc < 0) {
			profile_free(acc);
			snprintf(err, errsize, "problem fetching %s profiles: %s", what, e);
			reader_stop(&r);
			return NULL;
		}
		if (c)
			acc = c;
		got += count;
	}
	reader_stop(&r);
	if (got == 0) {
		snprintf(err, errsize, "failed to fetch any %s profiles", what);
		return NULL;
	}
	if ((int)got != n)
		sb_addf(warn, "Fetched %zu %s profiles out of %d\n", got, what, n);
	return acc;
}

/* A mapping file that is an absolute URL names where the profile came from, not a binary. */
static void unsource_mappings(struct profile *p)
{
	for (size_t i = 0; i < p->n_mapping; i++) {
		struct mapping *m = &p->mapping[i];
		if (m->build_id[0] || !isalpha((unsigned char)m->file[0]))
			continue;
		const char *c = m->file + 1;
		while (isalnum((unsigned char)*c) || *c == '+' || *c == '-' || *c == '.')
			c++;
		if (*c == ':')
			m->file = "";
	}
}

/* A grab_all running on its own thread: the base profile decodes while the sources do. */
struct grab_job {
	char **paths;
	int n;
	const struct load_options *so;
	bool remote; /* something came over the network */
	struct symbolize_sources sources;
	const char *what;
	struct strbuf warn;
	char err[1024];
	struct profile *p;
};

static void *grab_job_run(void *arg)
{
	struct grab_job *j = arg;
	j->p = grab_all(j->paths, j->n, j->so, j->what, &j->sources, &j->remote, &j->warn, j->err, sizeof j->err);
	return NULL;
}

/*
 * save_fetched keeps a copy of a profile fetched over the network, as
 * pprof does: in $PPROF_TMPDIR, else $HOME/pprof, else /tmp, named
 * pprof.<binary>.<sample types>.NNN.pb.gz. A MemStats trailer asked for
 * (-memstats) or read with a snapshot stays in the copy's comments; a
 * snapshot's copy is named in *so->saved rather than in a message.
 */
static void save_fetched(const struct profile *fetched, const struct load_options *so, struct strbuf *warn)
{
	struct profile *p = profile_derive(fetched);
	if (so->memstats || so->saved)
		decode_memstats_as_comments(p);
	struct strbuf dir = STRBUF_INIT, prefix = STRBUF_INIT, path = STRBUF_INIT;
	const char *tmp = getenv("PPROF_TMPDIR"), *home = getenv("HOME");
	FILE *f = NULL;
	for (int i = 0; i < 3 && !f; i++) {
		sb_reset(&dir);
		if (i == 0 && tmp && tmp[0])
			sb_adds(&dir, tmp);
		else if (i == 1 && home && home[0])
			sb_addf(&dir, "%s/pprof", home);
		else if (i == 2)
			sb_adds(&dir, "/tmp");
		else
			continue;
		if (mkdir(sb_cstr(&dir), 0755) < 0 && errno != EEXIST) {
			sb_addf(warn, "Could not use temp dir %s: %s\n", sb_cstr(&dir), strerror(errno));
			continue;
		}
		sb_reset(&prefix);
		sb_adds(&prefix, "pprof.");
		if (p->n_mapping && p->mapping[0].file[0]) {
			struct strbuf base = STRBUF_INIT;
			path_base(p->mapping[0].file, &base);
			sb_addf(&prefix, "%s.", sb_cstr(&base));
			sb_free(&base);
		}
		for (size_t t = 0; t < p->n_sample_type; t++)
			sb_addf(&prefix, "%s.", p->sample_type[t].type);
		f = create_numbered_file(sb_cstr(&dir), sb_cstr(&prefix), "pb.gz", &path);
	}
	char err[512] = "";
	if (!f)
		sb_addf(warn, "Could not save profile: %s\n", strerror(errno));
	else if (encode_profile(p, f, err, sizeof err) < 0 || fclose(f) != 0)
		sb_addf(warn, "Could not save profile: %s\n", err[0] ? err : strerror(errno));
	else if (so->saved)
		sb_adds(so->saved, sb_cstr(&path));
	else
		sb_addf(warn, "Saved profile in %s\n", sb_cstr(&path));
	profile_free(p);
	sb_free(&dir);
	sb_free(&prefix);
	sb_free(&path);
}

/* Prune state per function: 0 unknown, 1 prune, 2 keep. */
static bool prune_function(const struct profile *p, uint32_t f, unsigned char *cache, const struct regex *drop,
			   const struct regex *keep, struct strbuf *tmp)
{
	if (!cache[f]) {
		profile_simplify_func(p->function[f].name, tmp);
		bool prune = re_match(drop, sb_cstr(tmp)) && !(keep && re_match(keep, sb_cstr(tmp)));
		cache[f] = prune ? 1 : 2;
	}
	return cache[f] == 1;
}

/*
 * prune is pprof's Prune: below (towards the leaf from) the first frame
 * from the root that matches drop and not keep, frames are removed; the
 * matching location itself goes when its outermost line matched.
 */
static void prune(struct profile *p, const struct regex *drop, const struct regex *keep)
{
	unsigned char *cache = xcalloc(p->n_function + 1, 1);
	/* mark: 0 keep, 1 prune the location, 2 prune beneath it */
	unsigned char *mark = xcalloc(p->n_location + 1, 1);
	struct strbuf tmp = STRBUF_INIT;
	bool owned = false;
	for (size_t i = 0; i < p->n_location; i++) {
		const struct location *l = &p->location[i];
		int j;
		for (j = (int)l->n_line - 1; j >= 0; j--) {
			uint32_t f = l->line[j].function;
			if (f != NO_INDEX && p->function[f].name[0] && prune_function(p, f, cache, drop, keep, &tmp))
				break;
		}
		if (j < 0)
			continue;
		if (j == (int)l->n_line - 1) {
			mark[i] = 1;
		} else {
			mark[i] = 2;
			if (!owned) {
				profile_own_locations(p);
				owned = true;
			}
			p->location[i].line += j + 1;
			p->location[i].n_line -= (uint32_t)(j + 1);
		}
	}
	for (size_t s = 0; s < p->n_sample; s++) {
		struct sample *sm = &p->sample[s];
		bool found_user = false;
		for (int i = (int)sm->n_loc - 1; i >= 0; i--) {
			unsigned char m = mark[sm->loc[i]];
			if (!m) {
				found_user = true;
				continue;
			}
			if (!found_user)
				continue;
			if (m == 1) {
				sm->loc += i + 1;
				sm->n_loc -= (uint32_t)(i + 1);
			} else {
				sm->loc += i;
				sm->n_loc -= (uint32_t)i;
			}
			break;
		}
	}
	sb_free(&tmp);
	free(cache);
	free(mark);
}

/* prune_uninteresting applies the profile's drop_frames/keep_frames (pprof's RemoveUninteresting). */
static void prune_uninteresting(struct profile *p)
{
	if (!p->drop_frames[0])
		return;
	char err[256];
	struct strbuf pat = STRBUF_INIT;
	sb_addf(&pat, "^(%s)$", p->drop_frames);
	struct regex *drop = re_compile(sb_cstr(&pat), err, sizeof err);
	struct regex *keep = NULL;
	if (drop && p->keep_frames[0]) {
		sb_reset(&pat);
		sb_addf(&pat, "^(%s)$", p->keep_frames);
		keep = re_compile(sb_cstr(&pat), err, sizeof err);
		if (!keep) {
			re_free(drop);
			drop = NULL;
		}
	}
	sb_free(&pat);
	if (drop)
		prune(p, drop, keep);
	re_free(drop);
	re_free(keep);
}

struct profile *driver_load(const struct load_options *so, struct strbuf *warn, char *err, size_t errsize)
{
	char *bases[1] = { (char *)so->base };
	struct grab_job src = { so->sources, so->n_sources, so, false, { 0 }, "source", STRBUF_INIT, "", NULL };
	struct grab_job base = { bases, 1, so, false, { 0 }, "base", STRBUF_INIT, "", NULL };
	pthread_t thread;
	bool threaded = so->base && pthread_create(&thread, NULL, grab_job_run, &base) == 0;
	grab_job_run(&src);
	if (threaded)
		pthread_join(thread, NULL);
	else if (so->base)
		grab_job_run(&base);
	sb_adds(warn, sb_cstr(&src.warn));
	sb_adds(warn, sb_cstr(&base.warn));
	sb_free(&src.warn);
	sb_free(&base.warn);
	struct profile *p = src.p, *b = base.p;
	struct fetch_options fo = fetch_options_of(so);
	struct symbolize_sources sources = { NULL, 0, 0, &fo };
	symbolize_move_sources(&sources, &src.sources);
	symbolize_move_sources(&sources, &base.sources);
	if (!p || (so->base && !b)) {
		snprintf(err, errsize, "%s", p ? base.err : src.err);
		goto fail;
	}
	if (so->base) {
		if (so->diff_base)
			merge_set_label(b, "pprof::base", "true");
		if (so->normalize && merge_normalize(p, b, err, errsize) < 0)
			goto fail;
		double *minus = xcalloc(b->n_sample_type + 1, sizeof *minus);
		for (size_t i = 0; i < b->n_sample_type; i++)
			minus[i] = -1;
		merge_scale(b, minus);
		free(minus);
		struct profile *pair[2] = { p, b };
		if (merge_n_common_sample_types(pair, 2) == 0) {
			/* pprof says only "profiles have empty common sample type list": name them */
			struct strbuf x = STRBUF_INIT, y = STRBUF_INIT;
			merge_sample_types_str(p, &x);
			merge_sample_types_str(b, &y);
			snprintf(err, errsize, "base profile: incompatible sample types: %s in the profile, %s in the base",
				 sb_cstr(&x), sb_cstr(&y));
			sb_free(&x);
			sb_free(&y);
			profile_free(p);
			profile_free(b);
			return NULL;
		}
		p = combine(pair, 2, err, errsize);
		b = NULL;
		if (!p)
			goto fail;
	}
	if (so->all_frames) {
		p->drop_frames = "";
		p->keep_frames = "";
	}
	if (symbolize_profile(p, so->symbolize ? so->symbolize : "", &sources, warn, err, errsize) < 0)
		goto fail;
	symbolize_sources_free(&sources);
	prune_uninteresting(p);
	unsource_mappings(p);
	if (so->comment && so->comment[0]) {
		const char **c = arena_array(p->arena, p->n_comment + 1, sizeof *c);
		mem_copy(c, p->comment, p->n_comment * sizeof *c);
		size_t n = strlen(so->comment);
		p->escaped |= nul_escape_extra(so->comment, n) != 0; /* a 0xC0 of the user's */
		c[p->n_comment++] = arena_escape(p->arena, so->comment, n, NULL);
		p->comment = c;
	}
	if (src.remote || base.remote)
		save_fetched(p, so, warn);
	return p;
fail:
	symbolize_sources_free(&sources);
	profile_free(p);
	profile_free(b);
	return NULL;
}

struct profile *driver_memstats(const struct profile *p, const struct load_options *lo, struct strbuf *warn)
{
	if (p->n_memstats || lo->n_sources != 1)
		return NULL;
	struct stat st;
	const char *source = lo->sources[0];
	if (!strcmp(source, "-") || stat(source, &st) == 0)
		return NULL;
	int timeout;
	char *url = fetch_adjust_url(source, 0, lo->timeout, &timeout);
	if (!url)
		return NULL;
	struct profile *d = profile_derive(p);
	fetch_memstats(d, url, lo, warn);
	free(url);
	if (!d->n_memstats) {
		profile_free(d);
		return NULL;
	}
	return d;
}
