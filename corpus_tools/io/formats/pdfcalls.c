/*
 * corpus_tools.io.formats.pdfcalls: PDFium's box of each of many characters, asked from
 * C (issue 17).
 *
 *   loose_boxes(function, textpage, indexes, out)
 *       calls function(textpage, indexes[i], &out[4 * i]) for each i: function is the
 *       address of PDFium's FPDFText_GetLooseCharBox (as pypdfium2 loaded it), textpage
 *       the address of an open FPDF_TEXTPAGE, indexes a list of ints (character indexes
 *       of that page), out a writable buffer of at least 4 * len(indexes) floats; each
 *       box is written as PDFium's FS_RECTF writes it (left, top, right, bottom).
 *
 *   placed(function, textpage, firsts, lasts)
 *       where each line of a page stands, from the loose boxes of its first glyph
 *       (firsts[i]) and of its last (lasts[i] - 1): four lists of floats, the line's left
 *       (the first glyph's), right and top (the farther of the two glyphs'), and size (the
 *       larger of the two glyphs' heights), as pdf._placed computes them.
 *
 *   runs(lines, firsts, movable)
 *       the runs of glyphs of the lines lines[k] for k in movable, as pdf._PageText._runs
 *       splits them: the runs (Chinese with its punctuation and full-width forms,
 *       quotation marks and dashes, anything else but spaces; none starts with a space,
 *       each without the spaces at its end), where each starts on the page (firsts[k]
 *       is where line k starts), and where each line's runs start in that list (and the
 *       end).
 *
 *   ordered(function, textpage, runs, starts, bounds, slack)
 *       the lines (numbers j: runs bounds[j] to bounds[j + 1]) where a run of quotation
 *       marks or dashes stands left of the run before it, or the run after it left of it
 *       (by more than slack, from the boxes of the runs' first glyphs, starts), and for
 *       each such line its runs in the order of where each was set (a stable sort), as
 *       pdf._out_of_order and the reader's sort find them; None when a box is not a
 *       number or a line has no run (then the reader's Python decides).
 *
 *   layout_spaces(box_function, generated_function, textpage, text, slack)
 *       the page's text without the spaces next to a Chinese character that PDFium
 *       generated, or that were typed but drawn left of the glyph before them, as
 *       pdf._PageText._without_layout_spaces drops them.
 *
 * The reader of corpus_tools/io/formats/pdf.py asks about 130 boxes a page. Through
 * ctypes each question costs about 0.3 microseconds of conversions around PDFium's own
 * work; here the loop costs a few nanoseconds a box. The boxes are the same floats: the
 * reader's code after the question is the same on both paths, and a test reads the seed
 * reports on both. Only the buffer protocol is used. The arguments are checked (types,
 * sizes, a non-null address); the addresses themselves come from pypdfium2, never from
 * a file, and the indexes from the page's own text.
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <string.h>

typedef int (*loose_char_box_fn)(void *textpage, int index, float *rect);
typedef int (*is_generated_fn)(void *textpage, int index);

static void *
address_of(PyObject *obj, const char *name)
{
    void *ptr = PyLong_AsVoidPtr(obj);
    if (ptr == NULL && !PyErr_Occurred()) {
        PyErr_Format(PyExc_ValueError, "pdfcalls: '%s' must be a non-null address", name);
    }
    return ptr;
}

/* The box function's and the text page's addresses; 0, or -1 with an exception set. */
static int
box_and_page(PyObject *fn_obj, PyObject *page_obj, loose_char_box_fn *fn, void **textpage)
{
    *fn = (loose_char_box_fn)address_of(fn_obj, "function");
    *textpage = *fn ? address_of(page_obj, "textpage") : NULL;
    return *textpage == NULL ? -1 : 0;
}

/* Ask the boxes of count indexes (a list) into rects (4 floats each); 0 or -1 with an
 * exception set. */
static int
ask_boxes(loose_char_box_fn fn, void *textpage, PyObject *indexes, Py_ssize_t count,
          Py_ssize_t shift, float *rects)
{
    for (Py_ssize_t i = 0; i < count; i++) {
        long index = PyLong_AsLong(PyList_GET_ITEM(indexes, i));
        if (index == -1 && PyErr_Occurred()) {
            return -1;
        }
        index += shift;
        float *rect = rects + 4 * i;
        memset(rect, 0, 4 * sizeof(float));
        if (index >= 0 && index <= 0x7fffffffL) { /* else no glyph: an empty box */
            fn(textpage, (int)index, rect);
        }
    }
    return 0;
}

static PyObject *
loose_boxes(PyObject *self, PyObject *args)
{
    PyObject *fn_obj, *page_obj, *indexes, *out_obj;
    if (!PyArg_ParseTuple(args, "OOO!O", &fn_obj, &page_obj, &PyList_Type, &indexes,
                          &out_obj)) {
        return NULL;
    }
    loose_char_box_fn fn;
    void *textpage;
    if (box_and_page(fn_obj, page_obj, &fn, &textpage) < 0) {
        return NULL;
    }
    Py_buffer out;
    if (PyObject_GetBuffer(out_obj, &out, PyBUF_C_CONTIGUOUS | PyBUF_FORMAT | PyBUF_WRITABLE) <
        0) {
        return NULL;
    }
    Py_ssize_t count = PyList_GET_SIZE(indexes);
    const char *fmt = out.format ? out.format : "B";
    if (out.itemsize != (Py_ssize_t)sizeof(float) || strcmp(fmt, "f") != 0 ||
        out.len < 4 * count * (Py_ssize_t)sizeof(float)) {
        PyErr_Format(PyExc_ValueError,
                     "pdfcalls: 'out' must be a writable buffer of at least %zd floats "
                     "(format 'f'), got format '%s', %zd bytes",
                     4 * count, fmt, out.len);
        PyBuffer_Release(&out);
        return NULL;
    }
    int failed = ask_boxes(fn, textpage, indexes, count, 0, (float *)out.buf);
    PyBuffer_Release(&out);
    if (failed) {
        return NULL;
    }
    Py_RETURN_NONE;
}

static PyObject *
placed(PyObject *self, PyObject *args)
{
    PyObject *fn_obj, *page_obj, *firsts, *lasts;
    if (!PyArg_ParseTuple(args, "OOO!O!", &fn_obj, &page_obj, &PyList_Type, &firsts,
                          &PyList_Type, &lasts)) {
        return NULL;
    }
    loose_char_box_fn fn;
    void *textpage;
    if (box_and_page(fn_obj, page_obj, &fn, &textpage) < 0) {
        return NULL;
    }
    Py_ssize_t count = PyList_GET_SIZE(firsts);
    if (PyList_GET_SIZE(lasts) != count) {
        PyErr_SetString(PyExc_ValueError, "pdfcalls: 'firsts' and 'lasts' differ in length");
        return NULL;
    }
    float *rects = PyMem_Malloc((size_t)(8 * (count ? count : 1)) * sizeof(float));
    if (rects == NULL) {
        return PyErr_NoMemory();
    }
    PyObject *columns[4] = {NULL, NULL, NULL, NULL};
    if (ask_boxes(fn, textpage, firsts, count, 0, rects) < 0 ||
        ask_boxes(fn, textpage, lasts, count, -1, rects + 4 * count) < 0) {
        goto fail;
    }
    for (int c = 0; c < 4; c++) {
        if ((columns[c] = PyList_New(count)) == NULL) {
            goto fail;
        }
    }
    for (Py_ssize_t i = 0; i < count; i++) {
        const float *a = rects + 4 * i, *b = rects + 4 * (count + i);
        /* as Python compares and subtracts them: the floats widened to doubles */
        double right_a = a[2], right_b = b[2], top_a = a[1], top_b = b[1];
        double height_a = (double)a[1] - (double)a[3];
        double height_b = (double)b[1] - (double)b[3];
        double values[4] = {
            (double)a[0],
            right_b > right_a ? right_b : right_a,
            top_b > top_a ? top_b : top_a,
            height_b > height_a ? height_b : height_a,
        };
        for (int c = 0; c < 4; c++) {
            PyObject *value = PyFloat_FromDouble(values[c]);
            if (value == NULL) {
                goto fail;
            }
            PyList_SET_ITEM(columns[c], i, value);
        }
    }
    PyMem_Free(rects);
    return Py_BuildValue("(NNNN)", columns[0], columns[1], columns[2], columns[3]);
fail:
    PyMem_Free(rects);
    for (int c = 0; c < 4; c++) {
        Py_XDECREF(columns[c]);
    }
    return NULL;
}

/* The classes of runs: pdf._CJK_CLASS, pdf._MOVABLE_CLASS, and the rest (spaces apart). */
enum { OTHER = 0, CJK = 1, MOVABLE = 2, SPACE = 3 };

static int
class_of(Py_UCS4 ch)
{
    if ((ch >= 0x2e80 && ch <= 0x9fff) || (ch >= 0xf900 && ch <= 0xfaff) ||
        (ch >= 0xfe30 && ch <= 0xfe4f) || (ch >= 0xff01 && ch <= 0xffef)) {
        return CJK;
    }
    if (ch >= 0x2010 && ch <= 0x206f) {
        return MOVABLE;
    }
    return Py_UNICODE_ISSPACE(ch) ? SPACE : OTHER;
}

/* Append line's runs (its place on the page: shift) to runs and starts. */
static int
line_runs(PyObject *line, Py_ssize_t shift, PyObject *runs, PyObject *starts)
{
    int kind = PyUnicode_KIND(line);
    const void *data = PyUnicode_DATA(line);
    Py_ssize_t n = PyUnicode_GET_LENGTH(line), i = 0;
    while (i < n) {
        Py_UCS4 ch = PyUnicode_READ(kind, data, i);
        if (Py_UNICODE_ISSPACE(ch)) { /* a run starts with no space */
            i++;
            continue;
        }
        int cls = class_of(ch);
        Py_ssize_t start = i++;
        while (i < n && class_of(PyUnicode_READ(kind, data, i)) == cls) {
            i++;
        }
        Py_ssize_t end = i; /* a run ends without its spaces */
        while (end > start && Py_UNICODE_ISSPACE(PyUnicode_READ(kind, data, end - 1))) {
            end--;
        }
        PyObject *run = PyUnicode_Substring(line, start, end);
        PyObject *at = PyLong_FromSsize_t(shift + start);
        int bad = run == NULL || at == NULL || PyList_Append(runs, run) < 0 ||
                  PyList_Append(starts, at) < 0;
        Py_XDECREF(run);
        Py_XDECREF(at);
        if (bad) {
            return -1;
        }
    }
    return 0;
}

static PyObject *
runs(PyObject *self, PyObject *args)
{
    PyObject *lines, *firsts, *movable;
    if (!PyArg_ParseTuple(args, "O!O!O!", &PyList_Type, &lines, &PyList_Type, &firsts,
                          &PyList_Type, &movable)) {
        return NULL;
    }
    PyObject *found = PyList_New(0), *starts = PyList_New(0), *bounds = PyList_New(0);
    if (found == NULL || starts == NULL || bounds == NULL) {
        goto fail;
    }
    Py_ssize_t count = PyList_GET_SIZE(movable);
    for (Py_ssize_t j = 0; j <= count; j++) {
        PyObject *bound = PyLong_FromSsize_t(PyList_GET_SIZE(found));
        int bad = bound == NULL || PyList_Append(bounds, bound) < 0;
        Py_XDECREF(bound);
        if (bad) {
            goto fail;
        }
        if (j == count) {
            break;
        }
        Py_ssize_t k = PyLong_AsSsize_t(PyList_GET_ITEM(movable, j));
        if (k == -1 && PyErr_Occurred()) {
            goto fail;
        }
        if (k < 0 || k >= PyList_GET_SIZE(lines) || k >= PyList_GET_SIZE(firsts)) {
            PyErr_Format(PyExc_IndexError, "pdfcalls: line %zd out of range", k);
            goto fail;
        }
        PyObject *line = PyList_GET_ITEM(lines, k);
        Py_ssize_t shift = PyLong_AsSsize_t(PyList_GET_ITEM(firsts, k));
        if (shift == -1 && PyErr_Occurred()) {
            goto fail;
        }
        if (!PyUnicode_Check(line)) {
            PyErr_SetString(PyExc_TypeError, "pdfcalls: 'lines' must hold str");
            goto fail;
        }
        if (line_runs(line, shift, found, starts) < 0) {
            goto fail;
        }
    }
    return Py_BuildValue("(NNN)", found, starts, bounds);
fail:
    Py_XDECREF(found);
    Py_XDECREF(starts);
    Py_XDECREF(bounds);
    return NULL;
}

static int
is_movable(Py_UCS4 ch)
{
    return ch >= 0x2010 && ch <= 0x206f;
}

/* runs[lo:hi] (indexes into order) sorted in place by left, stably */
static void
stable_sort(Py_ssize_t *order, Py_ssize_t count, const double *lefts)
{
    for (Py_ssize_t i = 1; i < count; i++) {
        Py_ssize_t item = order[i], at = i;
        while (at > 0 && lefts[item] < lefts[order[at - 1]]) {
            order[at] = order[at - 1];
            at--;
        }
        order[at] = item;
    }
}

/* Whether line [lo, hi) of runs has a mark out of order: runs r, r + 1 of the line. */
static int
line_out_of_order(PyObject *runs, const double *lefts, Py_ssize_t lo, Py_ssize_t hi,
                  double slack)
{
    for (Py_ssize_t r = lo; r + 1 < hi; r++) {
        if (lefts[r + 1] < lefts[r] - slack) {
            PyObject *a = PyList_GET_ITEM(runs, r), *b = PyList_GET_ITEM(runs, r + 1);
            if ((PyUnicode_GET_LENGTH(a) && is_movable(PyUnicode_READ_CHAR(a, 0))) ||
                (PyUnicode_GET_LENGTH(b) && is_movable(PyUnicode_READ_CHAR(b, 0)))) {
                return 1;
            }
        }
    }
    return 0;
}

/* The sorted runs of line [lo, hi) appended to orders (as a list of ints). */
static int
append_order(PyObject *orders, const double *lefts, Py_ssize_t lo, Py_ssize_t hi,
             Py_ssize_t *room)
{
    Py_ssize_t count = hi - lo;
    for (Py_ssize_t i = 0; i < count; i++) {
        room[i] = lo + i;
    }
    stable_sort(room, count, lefts);
    PyObject *order = PyList_New(count);
    if (order == NULL) {
        return -1;
    }
    for (Py_ssize_t i = 0; i < count; i++) {
        PyObject *value = PyLong_FromSsize_t(room[i]);
        if (value == NULL) {
            Py_DECREF(order);
            return -1;
        }
        PyList_SET_ITEM(order, i, value);
    }
    int failed = PyList_Append(orders, order);
    Py_DECREF(order);
    return failed;
}

/* bounds as C integers, checked: non-decreasing within [0, nruns], each line a run */
static Py_ssize_t *
read_bounds(PyObject *bounds, Py_ssize_t nruns, int *no_run)
{
    Py_ssize_t n = PyList_GET_SIZE(bounds);
    Py_ssize_t *out = PyMem_Malloc((size_t)(n ? n : 1) * sizeof(Py_ssize_t));
    if (out == NULL) {
        PyErr_NoMemory();
        return NULL;
    }
    for (Py_ssize_t j = 0; j < n; j++) {
        out[j] = PyLong_AsSsize_t(PyList_GET_ITEM(bounds, j));
        if ((out[j] == -1 && PyErr_Occurred()) || out[j] < 0 || out[j] > nruns ||
            (j && out[j] < out[j - 1])) {
            if (!PyErr_Occurred()) {
                PyErr_SetString(PyExc_ValueError, "pdfcalls: 'bounds' out of order or range");
            }
            PyMem_Free(out);
            return NULL;
        }
        if (j && out[j] == out[j - 1]) {
            *no_run = 1;
        }
    }
    return out;
}

static PyObject *
ordered(PyObject *self, PyObject *args)
{
    PyObject *fn_obj, *page_obj, *runs, *starts, *bounds_obj;
    double slack;
    if (!PyArg_ParseTuple(args, "OOO!O!O!d", &fn_obj, &page_obj, &PyList_Type, &runs,
                          &PyList_Type, &starts, &PyList_Type, &bounds_obj, &slack)) {
        return NULL;
    }
    loose_char_box_fn fn;
    void *textpage;
    if (box_and_page(fn_obj, page_obj, &fn, &textpage) < 0) {
        return NULL;
    }
    Py_ssize_t nruns = PyList_GET_SIZE(runs);
    if (PyList_GET_SIZE(starts) != nruns) {
        PyErr_SetString(PyExc_ValueError, "pdfcalls: 'runs' and 'starts' differ in length");
        return NULL;
    }
    for (Py_ssize_t r = 0; r < nruns; r++) {
        if (!PyUnicode_Check(PyList_GET_ITEM(runs, r))) {
            PyErr_SetString(PyExc_TypeError, "pdfcalls: 'runs' must hold str");
            return NULL;
        }
    }
    int no_run = 0;
    Py_ssize_t *bounds = read_bounds(bounds_obj, nruns, &no_run);
    if (bounds == NULL) {
        return NULL;
    }
    Py_ssize_t nb = PyList_GET_SIZE(bounds_obj);
    size_t room_of = (size_t)(nruns ? nruns : 1);
    float *rects = PyMem_Malloc(4 * room_of * sizeof(float));
    double *lefts = PyMem_Malloc(room_of * sizeof(double));
    Py_ssize_t *room = PyMem_Malloc(room_of * sizeof(Py_ssize_t));
    PyObject *wrong = NULL, *orders = NULL, *result = NULL;
    if (rects == NULL || lefts == NULL || room == NULL) {
        PyErr_NoMemory();
        goto done;
    }
    if (ask_boxes(fn, textpage, starts, nruns, 0, rects) < 0) {
        goto done;
    }
    int nan = 0;
    for (Py_ssize_t r = 0; r < nruns; r++) {
        lefts[r] = rects[4 * r];
        nan |= lefts[r] != lefts[r];
    }
    if (nan || no_run || (nb && bounds[nb - 1] != nruns) || (nb && bounds[0] != 0)) {
        result = Py_NewRef(Py_None); /* the reader's Python decides */
        goto done;
    }
    if ((wrong = PyList_New(0)) == NULL || (orders = PyList_New(0)) == NULL) {
        goto done;
    }
    for (Py_ssize_t j = 0; j + 1 < nb; j++) {
        if (!line_out_of_order(runs, lefts, bounds[j], bounds[j + 1], slack)) {
            continue;
        }
        PyObject *line = PyLong_FromSsize_t(j);
        int bad = line == NULL || PyList_Append(wrong, line) < 0;
        Py_XDECREF(line);
        if (bad || append_order(orders, lefts, bounds[j], bounds[j + 1], room) < 0) {
            goto done;
        }
    }
    result = PyTuple_Pack(2, wrong, orders);
done:
    Py_XDECREF(wrong);
    Py_XDECREF(orders);
    PyMem_Free(bounds);
    PyMem_Free(rects);
    PyMem_Free(lefts);
    PyMem_Free(room);
    return result;
}

static int
is_cjk(Py_UCS4 ch)
{
    return (ch >= 0x2e80 && ch <= 0x9fff) || (ch >= 0xf900 && ch <= 0xfaff) ||
           (ch >= 0xfe30 && ch <= 0xfe4f) || (ch >= 0xff01 && ch <= 0xffef);
}

/* Whether the typed space at index stands left of the glyph before it (by slack). */
static int
moved(loose_char_box_fn box, void *textpage, Py_ssize_t index, double slack)
{
    float here[4] = {0, 0, 0, 0}, before[4] = {0, 0, 0, 0};
    if (index < 1 || index > 0x7fffffffL) {
        return 0;
    }
    box(textpage, (int)index, here);
    box(textpage, (int)index - 1, before);
    return (double)here[0] < (double)before[0] - slack;
}

static PyObject *
layout_spaces(PyObject *self, PyObject *args)
{
    PyObject *box_obj, *gen_obj, *page_obj, *text;
    double slack;
    if (!PyArg_ParseTuple(args, "OOOUd", &box_obj, &gen_obj, &page_obj, &text, &slack)) {
        return NULL;
    }
    loose_char_box_fn box = (loose_char_box_fn)address_of(box_obj, "box_function");
    is_generated_fn generated =
        box ? (is_generated_fn)address_of(gen_obj, "generated_function") : NULL;
    void *textpage = generated ? address_of(page_obj, "textpage") : NULL;
    if (textpage == NULL) {
        return NULL;
    }
    int kind = PyUnicode_KIND(text);
    const void *data = PyUnicode_DATA(text);
    Py_ssize_t n = PyUnicode_GET_LENGTH(text);
    Py_UCS4 *kept = NULL;
    Py_ssize_t length = 0;
    for (Py_ssize_t i = 0; i < n; i++) {
        Py_UCS4 ch = PyUnicode_READ(kind, data, i);
        int drop = ch == ' ' && i <= 0x7fffffffL &&
                   ((i > 0 && is_cjk(PyUnicode_READ(kind, data, i - 1))) ||
                    (i + 1 < n && is_cjk(PyUnicode_READ(kind, data, i + 1)))) &&
                   (generated(textpage, (int)i) || moved(box, textpage, i, slack));
        if (drop && kept == NULL) { /* the first space dropped: copy what came before */
            kept = PyMem_Malloc((size_t)n * sizeof(Py_UCS4));
            if (kept == NULL) {
                return PyErr_NoMemory();
            }
            for (Py_ssize_t k = 0; k < i; k++) {
                kept[k] = PyUnicode_READ(kind, data, k);
            }
            length = i;
        }
        if (!drop && kept != NULL) {
            kept[length++] = ch;
        }
    }
    if (kept == NULL) {
        return Py_NewRef(text);
    }
    PyObject *out = PyUnicode_FromKindAndData(PyUnicode_4BYTE_KIND, kept, length);
    PyMem_Free(kept);
    return out;
}

static PyMethodDef methods[] = {
    {"loose_boxes", loose_boxes, METH_VARARGS,
     "loose_boxes(function, textpage, indexes, out): PDFium's loose box of each character "
     "index, written to out (4 floats each: left, top, right, bottom)."},
    {"placed", placed, METH_VARARGS,
     "placed(function, textpage, firsts, lasts): lines' lefts, rights, tops and sizes from "
     "the loose boxes of their first and last glyphs."},
    {"runs", runs, METH_VARARGS,
     "runs(lines, firsts, movable): the runs of glyphs of the lines movable, where each "
     "starts on the page, and where each line's runs start."},
    {"ordered", ordered, METH_VARARGS,
     "ordered(function, textpage, runs, starts, bounds, slack): the lines with a mark out "
     "of order and their runs in the order of positions, or None."},
    {"layout_spaces", layout_spaces, METH_VARARGS,
     "layout_spaces(box_function, generated_function, textpage, text, slack): the text "
     "without the layout's spaces next to Chinese."},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module = {
    PyModuleDef_HEAD_INIT, "pdfcalls",
    "PDFium's boxes of many characters asked from C (see corpus_tools/io/formats/pdf.py).",
    -1, methods, NULL, NULL, NULL, NULL,
};

PyMODINIT_FUNC
PyInit_pdfcalls(void)
{
    return PyModule_Create(&module);
}
