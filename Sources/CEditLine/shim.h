// The system libedit (BSD licence), opened with dlopen when the chat prompt first needs it rather than linked:
// a needed library is loaded at every start of convo, and libedit with libtinfo, libbsd and libmd cost every
// command 0.72 M instructions (11% of `convo --version`, BENCHMARKS.md). Swift cannot call C variadic
// functions, so every el_set/el_get/history call convo makes has a fixed-argument wrapper here.
#include <dlfcn.h>
#include <histedit.h>
#include <langinfo.h>
#include <locale.h>
#include <stddef.h>

/// A function bound to a key: returns one of the CC_ codes.
typedef unsigned char (*convo_el_function)(EditLine *, int);
/// The prompt callback.
typedef char *(*convo_el_prompt)(EditLine *);

/// The libedit functions convo calls, found in the library `convo_libedit_open` opened.
typedef struct convo_libedit {
    void *handle;
    EditLine *(*el_init_fd)(const char *, FILE *, FILE *, FILE *, int, int, int);
    void (*el_end)(EditLine *);
    const char *(*el_gets)(EditLine *, int *);
    int (*el_wgetc)(EditLine *, wchar_t *);
    int (*el_set)(EditLine *, int, ...);
    int (*el_get)(EditLine *, int, ...);
    int (*el_source)(EditLine *, const char *);
    const LineInfo *(*el_line)(EditLine *);
    int (*el_insertstr)(EditLine *, const char *);
    void (*el_deletestr)(EditLine *, int);
    History *(*history_init)(void);
    void (*history_end)(History *);
    int (*history)(History *, HistEvent *, int, ...);
} convo_libedit;

/// Opens libedit and fills `l`; 0 on success, -1 when the library or one of its functions is missing.
static inline int convo_libedit_open(convo_libedit *l) {
    static const char *const names[] = {"libedit.so.2", "libedit.so", "libedit.3.dylib", "libedit.dylib"};
    l->handle = NULL;
    for (size_t i = 0; i < sizeof names / sizeof names[0] && l->handle == NULL; i++) {
        l->handle = dlopen(names[i], RTLD_NOW | RTLD_LOCAL);
    }
    if (l->handle == NULL) return -1;
#define CONVO_FIND(name) if ((*(void **)&l->name = dlsym(l->handle, #name)) == NULL) return -1
    CONVO_FIND(el_init_fd); CONVO_FIND(el_end); CONVO_FIND(el_gets); CONVO_FIND(el_wgetc); CONVO_FIND(el_set);
    CONVO_FIND(el_get); CONVO_FIND(el_source); CONVO_FIND(el_line); CONVO_FIND(el_insertstr); CONVO_FIND(el_deletestr);
    CONVO_FIND(history_init); CONVO_FIND(history_end); CONVO_FIND(history);
#undef CONVO_FIND
    return 0;
}

// Every call goes through a wrapper, so Swift never unwraps the function pointers itself.
static inline EditLine *convo_el_init_fd(const convo_libedit *l, FILE *in, FILE *out, FILE *err, int fdin, int fdout, int fderr) {
    return l->el_init_fd("convo", in, out, err, fdin, fdout, fderr);
}
static inline void convo_el_end(const convo_libedit *l, EditLine *el) { l->el_end(el); }
static inline const char *convo_el_gets(const convo_libedit *l, EditLine *el, int *count) { return l->el_gets(el, count); }
static inline int convo_el_wgetc(const convo_libedit *l, EditLine *el, wchar_t *c) { return l->el_wgetc(el, c); }
static inline int convo_el_source(const convo_libedit *l, EditLine *el) { return l->el_source(el, NULL); }
static inline const LineInfo *convo_el_line(const convo_libedit *l, EditLine *el) { return l->el_line(el); }
static inline int convo_el_insertstr(const convo_libedit *l, EditLine *el, const char *text) { return l->el_insertstr(el, text); }
static inline void convo_el_deletestr(const convo_libedit *l, EditLine *el, int count) { l->el_deletestr(el, count); }
static inline History *convo_history_init(const convo_libedit *l) { return l->history_init(); }
static inline void convo_history_end(const convo_libedit *l, History *h) { l->history_end(h); }

static inline int convo_el_set_prompt(const convo_libedit *l, EditLine *el, convo_el_prompt prompt, char invisible) {
    return l->el_set(el, EL_PROMPT_ESC, prompt, invisible);
}
static inline int convo_el_set_editor(const convo_libedit *l, EditLine *el, const char *mode) {
    return l->el_set(el, EL_EDITOR, mode);
}
static inline int convo_el_set_signal(const convo_libedit *l, EditLine *el, int on) { return l->el_set(el, EL_SIGNAL, on); }
static inline int convo_el_set_clientdata(const convo_libedit *l, EditLine *el, void *data) {
    return l->el_set(el, EL_CLIENTDATA, data);
}
static inline void *convo_el_get_clientdata(const convo_libedit *l, EditLine *el) {
    void *data = NULL;
    l->el_get(el, EL_CLIENTDATA, &data);
    return data;
}
static inline int convo_el_addfn(const convo_libedit *l, EditLine *el, const char *name, const char *help, convo_el_function function) {
    return l->el_set(el, EL_ADDFN, name, help, function);
}
static inline int convo_el_bind(const convo_libedit *l, EditLine *el, const char *key, const char *function) {
    return l->el_set(el, EL_BIND, key, function, NULL);
}
static inline int convo_el_setty(const convo_libedit *l, EditLine *el, const char *mode, const char *setting) {
    return l->el_set(el, EL_SETTY, mode, setting, NULL);
}
static inline int convo_el_set_history(const convo_libedit *l, EditLine *el, History *h) {
    return l->el_set(el, EL_HIST, l->history, h);
}
static inline int convo_el_prepare_terminal(const convo_libedit *l, EditLine *el, int raw) {
    return l->el_set(el, EL_PREP_TERM, raw);
}

static inline int convo_history_setsize(const convo_libedit *l, History *h, int size) {
    HistEvent event;
    return l->history(h, &event, H_SETSIZE, size);
}
static inline int convo_history_setunique(const convo_libedit *l, History *h, int on) {
    HistEvent event;
    return l->history(h, &event, H_SETUNIQUE, on);
}
static inline int convo_history_enter(const convo_libedit *l, History *h, const char *line) {
    HistEvent event;
    return l->history(h, &event, H_ENTER, line);
}
static inline int convo_history_load(const convo_libedit *l, History *h, const char *path) {
    HistEvent event;
    return l->history(h, &event, H_LOAD, path);
}
static inline int convo_history_save_fp(const convo_libedit *l, History *h, FILE *file) {
    HistEvent event;
    return l->history(h, &event, H_SAVE_FP, file);
}
