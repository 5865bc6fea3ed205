/*
 * corpus_tools.dedup.fastpairs: the per-pair loops of near-duplicate verification,
 * compiled (issue 21).
 *
 * Two functions, each called once for a whole block of candidate pairs, and two for one
 * pair (a flag query):
 *
 *   shared_counts(ptr, data, x, y, out)
 *       size of the intersection of the sorted unique uint32 sets of rows x[p] and y[p]
 *       (CSR arrays: row r is data[ptr[r]:ptr[r + 1]]), written to out[p].
 *
 *   align_cover(ptr, codes, x, y, la, lb, swapped, out_a, out_b,
 *               k, seed, min_passage, max_gap, min_group, containment, partial)
 *       the characters of a (= row x[p]) and of b (= row y[p]) covered by the passages
 *       of a copied from b, or -1 in both when the pair is rejected by the bound before
 *       chaining; written to out_a[p], out_b[p].
 *
 *   seed_groups(hashes_a, codes_b, k, seed, max_gap, min_group, min_passage)
 *       the diagonal groups of one submission (its k-window hashes, computed once) and
 *       one held document (its folded codes), and the bound of what passages chained
 *       from them can cover in each: (bytes of int64 rows (a0, a1, b0, b1), reach_a,
 *       reach_b).
 *
 *   shingle_overlap(codes_b, k, seed, ids_a)
 *       a held document's shingle set (sketch.shingle_set of its k-window hashes) and how
 *       many of its ids the submission's set holds: (bytes of uint32, shared).
 *
 * Both do exactly what the numpy code of corpus_tools/dedup/verify.py and align.py does
 * (seeds: the same 64-bit window hashes as sketch.shingle_hashes; the same first
 * MAX_OCCURRENCES matches of a window; the same runs, diagonal groups, bound, chaining
 * and resolution, ties broken the same way), so both paths give identical results; the
 * tests run both on real text. Only the buffer protocol is used (no numpy headers):
 * arrays are C-contiguous, one-dimensional, of the item sizes checked below. Every row
 * index and pointer is checked against the arrays' lengths before it is read.
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* seeds of one window matched to at most this many occurrences in the source
 * (align.MAX_OCCURRENCES) */
#define MAX_OCC 4

/* ------------------------------------------------------------------ buffers */

static int
get_array(PyObject *obj, Py_buffer *view, Py_ssize_t itemsize, const char *kinds,
          int writable, const char *name)
{
    int flags = PyBUF_C_CONTIGUOUS | PyBUF_FORMAT | (writable ? PyBUF_WRITABLE : 0);
    if (PyObject_GetBuffer(obj, view, flags) < 0) {
        return -1;
    }
    const char *fmt = view->format ? view->format : "B";
    size_t flen = strlen(fmt);
    char code = flen ? fmt[flen - 1] : 0;
    if (view->ndim != 1 || view->itemsize != itemsize || code == 0 ||
        strchr(kinds, code) == NULL) {
        PyErr_Format(PyExc_TypeError,
                     "fastpairs: '%s' must be a contiguous 1-d array of %zd-byte items "
                     "(one of '%s'), got format '%s' of %zd bytes in %d dimensions",
                     name, itemsize, kinds, fmt, view->itemsize, view->ndim);
        PyBuffer_Release(view);
        return -1;
    }
    return 0;
}

#define SIGNED "bhilqn"
#define UNSIGNED "BHILQN"

/* the rows a pointer array describes are within the data: ptr[r] <= ptr[r+1] <= n */
static int
check_row(const int64_t *ptr, Py_ssize_t nrows, int64_t row, Py_ssize_t ndata)
{
    if (row < 0 || row >= nrows) {
        PyErr_Format(PyExc_IndexError, "fastpairs: row %lld out of range [0, %zd)",
                     (long long)row, nrows);
        return -1;
    }
    if (ptr[row] < 0 || ptr[row] > ptr[row + 1] || ptr[row + 1] > ndata) {
        PyErr_Format(PyExc_ValueError, "fastpairs: row %lld spans [%lld, %lld) of %zd items",
                     (long long)row, (long long)ptr[row], (long long)ptr[row + 1], ndata);
        return -1;
    }
    return 0;
}

/* ------------------------------------------------------------------ shared_counts */

static int64_t
intersect_count(const uint32_t *a, int64_t na, const uint32_t *b, int64_t nb)
{
    if (na > nb) {
        const uint32_t *t = a;
        a = b;
        b = t;
        int64_t tn = na;
        na = nb;
        nb = tn;
    }
    int64_t count = 0;
    if (na == 0) {
        return 0;
    }
    if (nb > 16 * na) { /* few in many: binary search from where the last one stopped */
        int64_t lo = 0;
        for (int64_t i = 0; i < na && lo < nb; i++) {
            uint32_t v = a[i];
            int64_t hi = nb;
            while (lo < hi) {
                int64_t mid = lo + (hi - lo) / 2;
                if (b[mid] < v) {
                    lo = mid + 1;
                } else {
                    hi = mid;
                }
            }
            if (lo < nb && b[lo] == v) {
                count++;
                lo++;
            }
        }
        return count;
    }
    int64_t i = 0, j = 0;
    while (i < na && j < nb) {
        uint32_t u = a[i], v = b[j];
        count += (u == v);
        i += (u <= v);
        j += (v <= u);
    }
    return count;
}

static PyObject *
fp_shared_counts(PyObject *self, PyObject *args)
{
    PyObject *o_ptr, *o_data, *o_x, *o_y, *o_out;
    if (!PyArg_ParseTuple(args, "OOOOO:shared_counts", &o_ptr, &o_data, &o_x, &o_y, &o_out)) {
        return NULL;
    }
    Py_buffer ptr = {0}, data = {0}, x = {0}, y = {0}, out = {0};
    PyObject *result = NULL;
    if (get_array(o_ptr, &ptr, 8, SIGNED, 0, "ptr") < 0) goto done0;
    if (get_array(o_data, &data, 4, UNSIGNED, 0, "data") < 0) goto done1;
    if (get_array(o_x, &x, 8, SIGNED, 0, "x") < 0) goto done2;
    if (get_array(o_y, &y, 8, SIGNED, 0, "y") < 0) goto done3;
    if (get_array(o_out, &out, 8, SIGNED, 1, "out") < 0) goto done4;
    {
        Py_ssize_t nrows = ptr.shape[0] - 1, ndata = data.shape[0], n = x.shape[0];
        const int64_t *P = ptr.buf, *X = x.buf, *Y = y.buf;
        const uint32_t *D = data.buf;
        int64_t *O = out.buf;
        if (nrows < 0 || y.shape[0] != n || out.shape[0] != n) {
            PyErr_SetString(PyExc_ValueError,
                            "fastpairs: x, y and out must have one length, ptr one item at least");
            goto done5;
        }
        for (Py_ssize_t p = 0; p < n; p++) {
            if (check_row(P, nrows, X[p], ndata) < 0 || check_row(P, nrows, Y[p], ndata) < 0) {
                goto done5;
            }
        }
        Py_BEGIN_ALLOW_THREADS
        for (Py_ssize_t p = 0; p < n; p++) {
            int64_t r = X[p], s = Y[p];
            O[p] = intersect_count(D + P[r], P[r + 1] - P[r], D + P[s], P[s + 1] - P[s]);
        }
        Py_END_ALLOW_THREADS
        result = Py_None;
        Py_INCREF(result);
    }
done5:
    PyBuffer_Release(&out);
done4:
    PyBuffer_Release(&y);
done3:
    PyBuffer_Release(&x);
done2:
    PyBuffer_Release(&data);
done1:
    PyBuffer_Release(&ptr);
done0:
    return result;
}

/* ------------------------------------------------------------------ alignment */

/* sketch.shingle_hashes: h = key; h = h * PRIME ^ code, k times; MurmurHash3's fmix64 */
#define PRIME 0x100000001B3ULL

static inline uint64_t
fmix64(uint64_t h)
{
    h ^= h >> 33;
    h *= 0xFF51AFD7ED558CCDULL;
    h ^= h >> 33;
    h *= 0xC4CEB9FE1A85EC53ULL;
    h ^= h >> 33;
    return h;
}

static void
window_hashes(const uint32_t *codes, int64_t nwin, int k, uint64_t key, uint64_t *out)
{
    for (int64_t i = 0; i < nwin; i++) {
        uint64_t h = key;
        for (int j = 0; j < k; j++) {
            h = (h * PRIME) ^ (uint64_t)codes[i + j];
        }
        out[i] = fmix64(h);
    }
}

typedef struct {
    uint64_t hash;
    int32_t count;
    int32_t pos[MAX_OCC]; /* the first occurrences in the source, ascending */
} Slot;

typedef struct {
    int64_t a0, a1, d;
} Run;

typedef struct {
    int64_t a0, a1, b0, b1, idx;
} Span;

typedef struct {
    Slot *slots;
    uint32_t *stamp;
    size_t slot_cap;
    uint32_t gen;
    uint64_t *hash_a, *hash_b;
    size_t hash_cap;
    Run *runs;
    size_t runs_cap, nruns;
    Span *groups, *pass, *out;
    size_t span_cap;
    int64_t *active, *done, *pairs; /* pairs: two items a span, span_cap spans */
} Work;

static void
work_free(Work *w)
{
    free(w->slots);
    free(w->stamp);
    free(w->hash_a);
    free(w->hash_b);
    free(w->runs);
    free(w->groups);
    free(w->pass);
    free(w->out);
    free(w->active);
    free(w->done);
    free(w->pairs);
    memset(w, 0, sizeof(*w));
}

/* grow *arr to at least need items of size bytes (doubling); 0 on success */
static int
grow(void **arr, size_t *cap, size_t need, size_t size)
{
    if (need <= *cap) {
        return 0;
    }
    size_t n = *cap ? *cap : 64;
    while (n < need) {
        n *= 2;
    }
    void *p = realloc(*arr, n * size);
    if (p == NULL) {
        return -1;
    }
    *arr = p;
    *cap = n;
    return 0;
}

/* room for need groups (and passages, index lists, span pairs) */
static int
grow_spans(Work *w, size_t need)
{
    if (need <= w->span_cap) {
        return 0;
    }
    size_t c1 = w->span_cap, c2 = w->span_cap, c3 = w->span_cap, c4 = w->span_cap,
           c5 = w->span_cap, c6 = w->span_cap;
    if (grow((void **)&w->groups, &c1, need, sizeof(Span)) < 0 ||
        grow((void **)&w->pass, &c2, need, sizeof(Span)) < 0 ||
        grow((void **)&w->out, &c3, need, sizeof(Span)) < 0 ||
        grow((void **)&w->active, &c4, need, sizeof(int64_t)) < 0 ||
        grow((void **)&w->done, &c5, need, sizeof(int64_t)) < 0 ||
        grow((void **)&w->pairs, &c6, need, 2 * sizeof(int64_t)) < 0) {
        return -1; /* the arrays grown so far are freed with the rest */
    }
    w->span_cap = c1;
    return 0;
}

/* the source's windows in a hash table: each hash with its first MAX_OCC positions */
static int
build_table(Work *w, const uint64_t *hb, int64_t nb, size_t *mask_out)
{
    size_t cap = 16;
    while (cap < 2 * (size_t)nb) {
        cap *= 2;
    }
    if (cap > w->slot_cap) {
        Slot *s = realloc(w->slots, cap * sizeof(Slot));
        if (s == NULL) return -1;
        w->slots = s;
        uint32_t *st = realloc(w->stamp, cap * sizeof(uint32_t));
        if (st == NULL) return -1;
        w->stamp = st;
        memset(w->stamp, 0, cap * sizeof(uint32_t));
        w->slot_cap = cap;
        w->gen = 0;
    }
    if (++w->gen == 0) { /* wrapped: forget every stamp */
        memset(w->stamp, 0, w->slot_cap * sizeof(uint32_t));
        w->gen = 1;
    }
    size_t mask = cap - 1;
    for (int64_t j = 0; j < nb; j++) {
        uint64_t h = hb[j];
        size_t at = (size_t)h & mask;
        while (w->stamp[at] == w->gen && w->slots[at].hash != h) {
            at = (at + 1) & mask;
        }
        Slot *s = &w->slots[at];
        if (w->stamp[at] != w->gen) {
            w->stamp[at] = w->gen;
            s->hash = h;
            s->count = 0;
        }
        if (s->count < MAX_OCC) {
            s->pos[s->count++] = (int32_t)j;
        }
    }
    *mask_out = mask;
    return 0;
}

static const Slot *
lookup(const Work *w, size_t mask, uint64_t h)
{
    size_t at = (size_t)h & mask;
    while (w->stamp[at] == w->gen) {
        if (w->slots[at].hash == h) {
            return &w->slots[at];
        }
        at = (at + 1) & mask;
    }
    return NULL;
}

static int
add_run(Work *w, int64_t start, int64_t end, int64_t j_end, int k)
{
    if (end <= start) { /* one window: a phrase shared by chance joins nothing */
        return 0;
    }
    if (grow((void **)&w->runs, &w->runs_cap, w->nruns + 1, sizeof(Run)) < 0) {
        return -1;
    }
    Run *r = &w->runs[w->nruns++];
    r->a0 = start;
    r->a1 = end + k;
    r->d = j_end - end;
    return 0;
}

/* Diagonal runs of the windows of a matched in b: (i, j) continues the run of
 * (i - 1, j - 1) when that is a match too (align.batch_groups' runs). */
static int
seed_runs(Work *w, const uint64_t *ha, int64_t na, size_t mask, int k)
{
    int64_t pj[MAX_OCC], ps[MAX_OCC], cj[MAX_OCC], cs[MAX_OCC];
    int pn = 0;
    w->nruns = 0;
    for (int64_t i = 0; i < na; i++) {
        const Slot *s = lookup(w, mask, ha[i]);
        int cn = 0;
        int cont[MAX_OCC] = {0};
        if (s != NULL) {
            for (int t = 0; t < s->count; t++) {
                int64_t j = s->pos[t], start = i;
                for (int u = 0; u < pn; u++) {
                    if (pj[u] == j - 1) {
                        start = ps[u];
                        cont[u] = 1;
                        break;
                    }
                }
                cj[cn] = j;
                cs[cn] = start;
                cn++;
            }
        }
        for (int u = 0; u < pn; u++) {
            if (!cont[u] && add_run(w, ps[u], i - 1, pj[u], k) < 0) {
                return -1;
            }
        }
        memcpy(pj, cj, sizeof(int64_t) * cn);
        memcpy(ps, cs, sizeof(int64_t) * cn);
        pn = cn;
    }
    for (int u = 0; u < pn; u++) {
        if (add_run(w, ps[u], na - 1, pj[u], k) < 0) {
            return -1;
        }
    }
    return 0;
}

static int
cmp_run(const void *p, const void *q)
{
    const Run *a = p, *b = q;
    if (a->d != b->d) return a->d < b->d ? -1 : 1;
    if (a->a0 != b->a0) return a->a0 < b->a0 ? -1 : 1;
    return 0;
}

/* runs on one diagonal at most max_gap apart form a group; groups at least min_group
 * long, in (diagonal, start) order, into w->groups; their number */
static int64_t
diagonal_groups(Work *w, int64_t max_gap, int64_t min_group)
{
    Run *r = w->runs;
    size_t n = w->nruns;
    qsort(r, n, sizeof(Run), cmp_run);
    if (grow_spans(w, n + 1) < 0) {
        return -1;
    }
    int64_t ng = 0;
    size_t first = 0;
    while (first < n) {
        int64_t g0 = r[first].a0, g1 = r[first].a1, d = r[first].d;
        size_t t = first + 1;
        while (t < n && r[t].d == d && r[t].a0 <= r[t - 1].a1 + max_gap) {
            if (r[t].a1 > g1) g1 = r[t].a1;
            t++;
        }
        if (g1 - g0 >= min_group) {
            Span *g = &w->groups[ng];
            g->a0 = g0;
            g->a1 = g1;
            g->b0 = g0 + d;
            g->b1 = g1 + d;
            g->idx = ng;
            ng++;
        }
        first = t;
    }
    return ng;
}

static int
cmp_pair(const void *p, const void *q)
{
    const int64_t *a = p, *b = q;
    if (a[0] != b[0]) return a[0] < b[0] ? -1 : 1;
    if (a[1] != b[1]) return a[1] < b[1] ? -1 : 1;
    return 0;
}

/* spans [s, e) (pairs of int64 in w->pairs) joined across gaps of at most max_gap: the
 * summed length of the joined stretches at least min_len long (align.batch_components) */
static int64_t
components(int64_t *sp, int64_t n, int64_t max_gap, int64_t min_len)
{
    if (n == 0) return 0;
    qsort(sp, (size_t)n, 2 * sizeof(int64_t), cmp_pair);
    int64_t total = 0, start = sp[0], reach = sp[1];
    for (int64_t t = 1; t < n; t++) {
        if (sp[2 * t] > reach + max_gap) {
            if (reach - start >= min_len) total += reach - start;
            start = sp[2 * t];
        }
        if (sp[2 * t + 1] > reach) reach = sp[2 * t + 1];
    }
    if (reach - start >= min_len) total += reach - start;
    return total;
}

/* length of the union of spans [s, e) (pairs in sp) */
static int64_t
union_length(int64_t *sp, int64_t n)
{
    if (n == 0) return 0;
    qsort(sp, (size_t)n, 2 * sizeof(int64_t), cmp_pair);
    int64_t total = 0, end = INT64_MIN;
    for (int64_t t = 0; t < n; t++) {
        int64_t lo = sp[2 * t] > end ? sp[2 * t] : end;
        if (sp[2 * t + 1] > lo) {
            total += sp[2 * t + 1] - lo;
            end = sp[2 * t + 1];
        }
    }
    return total;
}

/* align._merge's order: by start, the longer first, then as given */
static int
cmp_merge(const void *p, const void *q)
{
    const Span *a = p, *b = q;
    if (a->a0 != b->a0) return a->a0 < b->a0 ? -1 : 1;
    int64_t la = a->a1 - a->a0, lb = b->a1 - b->a0;
    if (la != lb) return la > lb ? -1 : 1;
    return a->idx < b->idx ? -1 : (a->idx > b->idx);
}

/* align._resolve's order: the longer first, then by a start, b start, as given */
static int
cmp_resolve(const void *p, const void *q)
{
    const Span *a = p, *b = q;
    int64_t la = a->a1 - a->a0, lb = b->a1 - b->a0;
    if (la != lb) return la > lb ? -1 : 1;
    if (a->a0 != b->a0) return a->a0 < b->a0 ? -1 : 1;
    if (a->b0 != b->b0) return a->b0 < b->b0 ? -1 : 1;
    return a->idx < b->idx ? -1 : (a->idx > b->idx);
}

static inline int64_t
abs64(int64_t v)
{
    return v < 0 ? -v : v;
}

/* align._merge: chain the ng groups (in w->groups) into passages; their number, in
 * w->pass in the order align._merge returns them (done, then still active) */
static int64_t
merge_groups(Work *w, int64_t ng, int64_t max_gap)
{
    Span *g = w->groups, *P = w->out; /* w->out: the passages as built */
    qsort(g, (size_t)ng, sizeof(Span), cmp_merge);
    int64_t np = 0, nact = 0, ndone = 0;
    int64_t *act = w->active, *done = w->done;
    for (int64_t t = 0; t < ng; t++) {
        int64_t a0 = g[t].a0, a1 = g[t].a1, b0 = g[t].b0, b1 = g[t].b1;
        int64_t keep = 0;
        for (int64_t u = 0; u < nact; u++) {
            if (P[act[u]].a1 + max_gap < a0) {
                done[ndone++] = act[u];
            } else {
                act[keep++] = act[u];
            }
        }
        nact = keep;
        int64_t best = -1;
        for (int64_t u = 0; u < nact; u++) {
            const Span *p = &P[act[u]];
            if (a1 <= p->a1 && b1 <= p->b1 && b0 >= p->b0) {
                best = act[u]; /* already inside this passage */
                break;
            }
            int64_t sa = a0 - p->a1, sb = b0 - p->b1;
            if (-max_gap <= sa && sa <= max_gap && -max_gap <= sb && sb <= max_gap &&
                abs64(sa - sb) <= max_gap &&
                (best < 0 || p->a1 - p->a0 > P[best].a1 - P[best].a0)) {
                best = act[u];
            }
        }
        if (best < 0) {
            P[np].a0 = a0;
            P[np].a1 = a1;
            P[np].b0 = b0;
            P[np].b1 = b1;
            act[nact++] = np++;
        } else {
            if (a1 > P[best].a1) P[best].a1 = a1;
            if (b1 > P[best].b1) P[best].b1 = b1;
        }
    }
    for (int64_t u = 0; u < nact; u++) {
        done[ndone++] = act[u];
    }
    for (int64_t u = 0; u < ndone; u++) {
        w->pass[u] = P[done[u]];
        w->pass[u].idx = u;
    }
    return ndone;
}

/* align._longest_free: the longest stretch of [a0, a1) outside the taken spans (sorted,
 * disjoint; pairs in taken), the first of equally long ones */
static void
longest_free(const int64_t *taken, int64_t nt, int64_t a0, int64_t a1, int64_t *f0,
             int64_t *f1)
{
    int64_t b0 = a0, b1 = a0, start = a0;
    for (int64_t t = 0; t < nt; t++) {
        int64_t t0 = taken[2 * t], t1 = taken[2 * t + 1];
        if (t1 <= start) continue;
        if (t0 >= a1) break;
        if (t0 - start > b1 - b0) {
            b0 = start;
            b1 = t0;
        }
        if (t1 > start) start = t1;
    }
    if (a1 - start > b1 - b0) {
        b0 = start;
        b1 = a1;
    }
    *f0 = b0;
    *f1 = b1;
}

/* align._resolve of the np passages in w->pass, then the covered characters of a (the
 * kept a spans are disjoint) and of b (their union) */
static void
resolve_cover(Work *w, int64_t np, int64_t min_passage, int64_t *cov_a, int64_t *cov_b)
{
    Span *ps = w->pass;
    qsort(ps, (size_t)np, sizeof(Span), cmp_resolve);
    int64_t *taken = w->pairs; /* sorted (f0, f1) pairs; at most np */
    int64_t nt = 0, nout = 0, sum_a = 0;
    Span *out = w->out;
    for (int64_t t = 0; t < np; t++) {
        int64_t a0 = ps[t].a0, a1 = ps[t].a1, q0 = ps[t].b0, q1 = ps[t].b1, f0, f1;
        if (a1 - a0 < min_passage) continue;
        longest_free(taken, nt, a0, a1, &f0, &f1);
        if (f1 - f0 < min_passage) continue;
        int64_t b0 = q0, b1 = q1;
        if (f0 != a0 || f1 != a1) { /* partly claimed already: the b span shrinks */
            b0 = q0 + f0 - a0;
            b1 = q1 < b0 + (f1 - f0) ? q1 : b0 + (f1 - f0);
        }
        if (b1 > b0) {
            int64_t at = nt; /* bisect.insort: after every (t0, t1) <= (f0, f1) */
            while (at > 0 && (taken[2 * (at - 1)] > f0 ||
                              (taken[2 * (at - 1)] == f0 && taken[2 * (at - 1) + 1] > f1))) {
                at--;
            }
            memmove(taken + 2 * (at + 1), taken + 2 * at, (size_t)(nt - at) * 2 * sizeof(int64_t));
            taken[2 * at] = f0;
            taken[2 * at + 1] = f1;
            nt++;
            out[nout].b0 = b0;
            out[nout].b1 = b1;
            nout++;
            sum_a += f1 - f0;
        }
    }
    int64_t *sp = w->pairs; /* taken is no longer needed */
    for (int64_t t = 0; t < nout; t++) {
        sp[2 * t] = out[t].b0;
        sp[2 * t + 1] = out[t].b1;
    }
    *cov_a = sum_a;
    *cov_b = union_length(sp, nout);
}

typedef struct {
    int k;
    uint64_t key;
    int64_t min_passage, max_gap, min_group;
    double containment, partial;
} Params;

/* the cover of one pair: a's windows ha (na), b's windows hb (nb), folded lengths la, lb */
static int
pair_cover(Work *w, const Params *pr, const uint64_t *ha, int64_t na, const uint64_t *hb,
           int64_t nb, int64_t la, int64_t lb, int swapped, int64_t *cov_a, int64_t *cov_b)
{
    size_t mask;
    *cov_a = *cov_b = -1;
    w->nruns = 0;
    if (na > 0 && nb > 0) {
        if (build_table(w, hb, nb, &mask) < 0 || seed_runs(w, ha, na, mask, pr->k) < 0) {
            return -1;
        }
    }
    int64_t ng = diagonal_groups(w, pr->max_gap, pr->min_group);
    if (ng < 0) return -1;
    /* the bound: what passages chained from these groups could cover at most */
    int64_t *sp = w->pairs;
    for (int64_t t = 0; t < ng; t++) {
        sp[2 * t] = w->groups[t].a0;
        sp[2 * t + 1] = w->groups[t].a1;
    }
    int64_t reach_a = components(sp, ng, pr->max_gap, pr->min_passage);
    for (int64_t t = 0; t < ng; t++) {
        sp[2 * t] = w->groups[t].b0;
        sp[2 * t + 1] = w->groups[t].b1;
    }
    int64_t reach_b = components(sp, ng, pr->max_gap, 0);
    double share_a = (double)reach_a / (double)la, share_b = (double)reach_b / (double)lb;
    double small = swapped ? share_b : share_a;
    double big = share_a > share_b ? share_a : share_b;
    if (!(small >= pr->containment || big >= pr->partial)) {
        return 0;
    }
    if (ng == 1) { /* one group: it is the passage, if long enough */
        int64_t len = w->groups[0].a1 - w->groups[0].a0;
        *cov_a = *cov_b = len >= pr->min_passage ? len : 0;
        return 0;
    }
    int64_t np = merge_groups(w, ng, pr->max_gap);
    resolve_cover(w, np, pr->min_passage, cov_a, cov_b);
    return 0;
}

static PyObject *
fp_align_cover(PyObject *self, PyObject *args)
{
    PyObject *o[9];
    int k;
    unsigned long long seed;
    long long min_passage, max_gap, min_group;
    double containment, partial;
    if (!PyArg_ParseTuple(args, "OOOOOOOOOiKLLLdd:align_cover", &o[0], &o[1], &o[2], &o[3],
                          &o[4], &o[5], &o[6], &o[7], &o[8], &k, &seed, &min_passage, &max_gap,
                          &min_group, &containment, &partial)) {
        return NULL;
    }
    if (k < 1 || min_passage < 0 || max_gap < 0 || min_group < 0) {
        PyErr_SetString(PyExc_ValueError,
                        "fastpairs: k must be >= 1; min_passage, max_gap, min_group >= 0");
        return NULL;
    }
    static const char *names[9] = {"ptr", "codes", "x", "y", "la", "lb", "swapped", "out_a",
                                   "out_b"};
    static const Py_ssize_t sizes[9] = {8, 4, 8, 8, 8, 8, 1, 8, 8};
    static const char *kinds[9] = {SIGNED, UNSIGNED, SIGNED, SIGNED, SIGNED, SIGNED,
                                   "?" UNSIGNED, SIGNED, SIGNED};
    Py_buffer v[9];
    int got = 0;
    PyObject *result = NULL;
    Work w;
    memset(&w, 0, sizeof(w));
    for (; got < 9; got++) {
        if (get_array(o[got], &v[got], sizes[got], kinds[got], got >= 7, names[got]) < 0) {
            goto done;
        }
    }
    {
        Py_ssize_t nrows = v[0].shape[0] - 1, ndata = v[1].shape[0], n = v[2].shape[0];
        const int64_t *P = v[0].buf, *X = v[2].buf, *Y = v[3].buf, *LA = v[4].buf, *LB = v[5].buf;
        const uint32_t *C = v[1].buf;
        const uint8_t *SW = v[6].buf;
        int64_t *OA = v[7].buf, *OB = v[8].buf;
        for (int t = 3; t < 9; t++) {
            if (v[t].shape[0] != n) {
                PyErr_Format(PyExc_ValueError, "fastpairs: '%s' has %zd items, 'x' %zd",
                             names[t], v[t].shape[0], n);
                goto done;
            }
        }
        if (nrows < 0) {
            PyErr_SetString(PyExc_ValueError, "fastpairs: 'ptr' needs one item at least");
            goto done;
        }
        int64_t longest = 0;
        for (Py_ssize_t p = 0; p < n; p++) {
            if (check_row(P, nrows, X[p], ndata) < 0 || check_row(P, nrows, Y[p], ndata) < 0) {
                goto done;
            }
            if (LA[p] <= 0 || LB[p] <= 0) {
                PyErr_SetString(PyExc_ValueError, "fastpairs: lengths must be positive");
                goto done;
            }
            int64_t lx = P[X[p] + 1] - P[X[p]], ly = P[Y[p] + 1] - P[Y[p]];
            if (lx > INT32_MAX || ly > INT32_MAX) {
                PyErr_SetString(PyExc_ValueError, "fastpairs: a text of 2**31 characters");
                goto done;
            }
            if (lx > longest) longest = lx;
            if (ly > longest) longest = ly;
        }
        Params pr = {k,
                     fmix64((uint64_t)seed * 0x9E3779B97F4A7C15ULL +
                            (uint64_t)k * 0xBF58476D1CE4E5B9ULL),
                     min_passage, max_gap, min_group, containment, partial};
        size_t hcap = 0;
        if (grow((void **)&w.hash_a, &hcap, (size_t)longest + 1, sizeof(uint64_t)) < 0 ||
            grow((void **)&w.hash_b, &w.hash_cap, (size_t)longest + 1, sizeof(uint64_t)) < 0) {
            PyErr_NoMemory();
            goto done;
        }
        int failed = 0;
        Py_BEGIN_ALLOW_THREADS
        int64_t last_x = -1;
        int64_t na = 0;
        for (Py_ssize_t p = 0; p < n && !failed; p++) {
            int64_t r = X[p], s = Y[p];
            int64_t lx = P[r + 1] - P[r], ly = P[s + 1] - P[s];
            int64_t nb = ly >= k ? ly - k + 1 : 0;
            if (r != last_x) { /* pairs come by first row: its windows hashed once */
                na = lx >= k ? lx - k + 1 : 0;
                window_hashes(C + P[r], na, k, pr.key, w.hash_a);
                last_x = r;
            }
            window_hashes(C + P[s], nb, k, pr.key, w.hash_b);
            if (pair_cover(&w, &pr, w.hash_a, na, w.hash_b, nb, LA[p], LB[p], SW[p] != 0,
                           &OA[p], &OB[p]) < 0) {
                failed = 1;
            }
        }
        Py_END_ALLOW_THREADS
        if (failed) {
            PyErr_NoMemory();
            goto done;
        }
        result = Py_None;
        Py_INCREF(result);
    }
done:
    for (int t = 0; t < got; t++) {
        PyBuffer_Release(&v[t]);
    }
    work_free(&w);
    return result;
}

/* ------------------------------------------------------------------ seed_groups */

/* seed_groups(hashes_a, codes_b, k, seed, max_gap, min_group, min_passage): the diagonal
 * groups of one pair (align.seed_runs then align.diagonal_groups of a's window hashes and
 * b's folded codes, b's windows hashed here) as bytes of int64 rows (a0, a1, b0, b1) in
 * (diagonal, start) order, and the bound of the flag query (align.batch_components of
 * their a spans with min_passage, of their b spans with none): (groups, reach_a, reach_b). */
static PyObject *
fp_seed_groups(PyObject *self, PyObject *args)
{
    PyObject *o_ha, *o_cb;
    int k;
    unsigned long long seed;
    long long max_gap, min_group, min_passage;
    if (!PyArg_ParseTuple(args, "OOiKLLL:seed_groups", &o_ha, &o_cb, &k, &seed, &max_gap,
                          &min_group, &min_passage)) {
        return NULL;
    }
    if (k < 1 || min_passage < 0 || max_gap < 0 || min_group < 0) {
        PyErr_SetString(PyExc_ValueError,
                        "fastpairs: k must be >= 1; min_passage, max_gap, min_group >= 0");
        return NULL;
    }
    Py_buffer va = {0}, vb = {0};
    PyObject *result = NULL, *groups = NULL;
    Work w;
    memset(&w, 0, sizeof(w));
    if (get_array(o_ha, &va, 8, UNSIGNED, 0, "hashes_a") < 0) return NULL;
    if (get_array(o_cb, &vb, 4, UNSIGNED, 0, "codes_b") < 0) {
        PyBuffer_Release(&va);
        return NULL;
    }
    {
        int64_t na = va.shape[0], lb = vb.shape[0];
        int64_t nb = lb >= k ? lb - k + 1 : 0;
        if (na > INT32_MAX || lb > INT32_MAX) {
            PyErr_SetString(PyExc_ValueError, "fastpairs: a text of 2**31 characters");
            goto done;
        }
        uint64_t key = fmix64((uint64_t)seed * 0x9E3779B97F4A7C15ULL +
                              (uint64_t)k * 0xBF58476D1CE4E5B9ULL);
        if (grow((void **)&w.hash_b, &w.hash_cap, (size_t)nb + 1, sizeof(uint64_t)) < 0) {
            PyErr_NoMemory();
            goto done;
        }
        int64_t ng = 0, reach_a = 0, reach_b = 0;
        int failed = 0;
        Py_BEGIN_ALLOW_THREADS
        size_t mask;
        window_hashes((const uint32_t *)vb.buf, nb, k, key, w.hash_b);
        if (na > 0 && nb > 0 &&
            (build_table(&w, w.hash_b, nb, &mask) < 0 ||
             seed_runs(&w, (const uint64_t *)va.buf, na, mask, k) < 0)) {
            failed = 1;
        }
        if (!failed) {
            ng = diagonal_groups(&w, max_gap, min_group);
            failed = ng < 0;
        }
        if (!failed && ng > 0) {
            int64_t *sp = w.pairs;
            for (int64_t t = 0; t < ng; t++) {
                sp[2 * t] = w.groups[t].a0;
                sp[2 * t + 1] = w.groups[t].a1;
            }
            reach_a = components(sp, ng, max_gap, min_passage);
            for (int64_t t = 0; t < ng; t++) {
                sp[2 * t] = w.groups[t].b0;
                sp[2 * t + 1] = w.groups[t].b1;
            }
            reach_b = components(sp, ng, max_gap, 0);
        }
        Py_END_ALLOW_THREADS
        if (failed) {
            PyErr_NoMemory();
            goto done;
        }
        groups = PyBytes_FromStringAndSize(NULL, (Py_ssize_t)ng * 4 * (Py_ssize_t)sizeof(int64_t));
        if (groups == NULL) goto done;
        int64_t *g = (int64_t *)PyBytes_AS_STRING(groups);
        for (int64_t t = 0; t < ng; t++) {
            g[4 * t] = w.groups[t].a0;
            g[4 * t + 1] = w.groups[t].a1;
            g[4 * t + 2] = w.groups[t].b0;
            g[4 * t + 3] = w.groups[t].b1;
        }
        result = Py_BuildValue("(NLL)", groups, (long long)reach_a, (long long)reach_b);
    }
done:
    PyBuffer_Release(&va);
    PyBuffer_Release(&vb);
    work_free(&w);
    return result;
}

/* ------------------------------------------------------------------ shingle_overlap */

/* LSD radix sort of n uint32 (4 passes of 8 bits) into v, tmp of n items as scratch */
static void
radix_sort_u32(uint32_t *v, uint32_t *tmp, int64_t n)
{
    uint32_t *src = v, *dst = tmp;
    for (int shift = 0; shift < 32; shift += 8) {
        int64_t count[257] = {0};
        for (int64_t i = 0; i < n; i++) count[((src[i] >> shift) & 0xFF) + 1]++;
        for (int b = 0; b < 256; b++) count[b + 1] += count[b];
        for (int64_t i = 0; i < n; i++) dst[count[(src[i] >> shift) & 0xFF]++] = src[i];
        uint32_t *t = src;
        src = dst;
        dst = t;
    }
    /* four passes: the sorted values are back in v */
}

/* shingle_overlap(codes_b, k, seed, ids_a): b's shingle set (sketch.shingle_set of
 * sketch.shingle_hashes(codes_b, k, seed): the top 32 bits of each k-window hash, a text
 * shorter than k one window of its whole length, sorted and unique) as bytes of uint32,
 * and how many of them the sorted unique uint32 ids_a holds: (ids_b, shared). */
static PyObject *
fp_shingle_overlap(PyObject *self, PyObject *args)
{
    PyObject *o_cb, *o_ia;
    int k;
    unsigned long long seed;
    if (!PyArg_ParseTuple(args, "OiKO:shingle_overlap", &o_cb, &k, &seed, &o_ia)) {
        return NULL;
    }
    if (k < 1) {
        PyErr_SetString(PyExc_ValueError, "fastpairs: k must be >= 1");
        return NULL;
    }
    Py_buffer vb = {0}, va = {0};
    PyObject *result = NULL, *ids = NULL;
    uint32_t *tmp = NULL;
    if (get_array(o_cb, &vb, 4, UNSIGNED, 0, "codes_b") < 0) return NULL;
    if (get_array(o_ia, &va, 4, UNSIGNED, 0, "ids_a") < 0) {
        PyBuffer_Release(&vb);
        return NULL;
    }
    {
        int64_t n = vb.shape[0], na = va.shape[0];
        int kk = n < k ? (int)n : k;
        int64_t m = n > 0 ? n - kk + 1 : 0;
        ids = PyBytes_FromStringAndSize(NULL, (Py_ssize_t)m * 4);
        tmp = malloc((size_t)(m > 0 ? m : 1) * sizeof(uint32_t));
        if (ids == NULL || tmp == NULL) {
            if (tmp == NULL) PyErr_NoMemory();
            goto done;
        }
        uint32_t *v = (uint32_t *)PyBytes_AS_STRING(ids);
        const uint32_t *codes = vb.buf, *a = va.buf;
        int64_t nu = 0, shared = 0;
        Py_BEGIN_ALLOW_THREADS
        uint64_t key = fmix64((uint64_t)seed * 0x9E3779B97F4A7C15ULL +
                              (uint64_t)kk * 0xBF58476D1CE4E5B9ULL);
        for (int64_t i = 0; i < m; i++) {
            uint64_t h = key;
            for (int j = 0; j < kk; j++) {
                h = (h * PRIME) ^ (uint64_t)codes[i + j];
            }
            v[i] = (uint32_t)(fmix64(h) >> 32);
        }
        radix_sort_u32(v, tmp, m);
        for (int64_t i = 0; i < m; i++) {
            if (nu == 0 || v[i] != v[nu - 1]) v[nu++] = v[i];
        }
        int64_t i = 0, j = 0;
        while (i < nu && j < na) {
            uint32_t x = v[i], y = a[j];
            shared += (x == y);
            i += (x <= y);
            j += (y <= x);
        }
        Py_END_ALLOW_THREADS
        if (_PyBytes_Resize(&ids, (Py_ssize_t)nu * 4) < 0) goto done; /* (ids is NULL then) */
        result = Py_BuildValue("(NL)", ids, (long long)shared);
        ids = NULL;
    }
done:
    Py_XDECREF(ids);
    free(tmp);
    PyBuffer_Release(&vb);
    PyBuffer_Release(&va);
    return result;
}

/* ------------------------------------------------------------------ module */

static PyMethodDef methods[] = {
    {"shared_counts", fp_shared_counts, METH_VARARGS,
     "shared_counts(ptr, data, x, y, out): size of the intersection of the sorted unique\n"
     "uint32 sets of rows x[p] and y[p] (row r: data[ptr[r]:ptr[r + 1]]) into out[p]."},
    {"align_cover", fp_align_cover, METH_VARARGS,
     "align_cover(ptr, codes, x, y, la, lb, swapped, out_a, out_b, k, seed, min_passage,\n"
     "max_gap, min_group, containment, partial): characters of a (row x[p]) and of b\n"
     "(row y[p]) covered by the passages of a copied from b, -1 when rejected by the bound."},
    {"seed_groups", fp_seed_groups, METH_VARARGS,
     "seed_groups(hashes_a, codes_b, k, seed, max_gap, min_group, min_passage): the\n"
     "diagonal groups of one pair as bytes of int64 rows (a0, a1, b0, b1), and the bound\n"
     "of what passages chained from them cover in a and in b: (groups, reach_a, reach_b)."},
    {"shingle_overlap", fp_shingle_overlap, METH_VARARGS,
     "shingle_overlap(codes_b, k, seed, ids_a): b's shingle set (sorted unique uint32 ids)\n"
     "as bytes, and how many of them the sorted unique uint32 ids_a holds: (ids_b, shared)."},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module = {
    PyModuleDef_HEAD_INIT, "fastpairs",
    "The per-pair loops of near-duplicate verification, compiled (see native.c).", -1, methods,
    NULL, NULL, NULL, NULL,
};

PyMODINIT_FUNC
PyInit_fastpairs(void)
{
    return PyModule_Create(&module);
}
