// The system libedit (BSD licence). Swift cannot call C variadic functions, so every el_set/el_get/history
// call convo makes has a fixed-argument wrapper here.
#include <histedit.h>
#include <langinfo.h>
#include <locale.h>

/// A function bound to a key: returns one of the CC_ codes.
typedef unsigned char (*convo_el_function)(EditLine *, int);
/// The prompt callback.
typedef char *(*convo_el_prompt)(EditLine *);

static inline int convo_el_set_prompt(EditLine *el, convo_el_prompt prompt, char invisible) {
    return el_set(el, EL_PROMPT_ESC, prompt, invisible);
}
static inline int convo_el_set_editor(EditLine *el, const char *mode) { return el_set(el, EL_EDITOR, mode); }
static inline int convo_el_set_signal(EditLine *el, int on) { return el_set(el, EL_SIGNAL, on); }
static inline int convo_el_set_clientdata(EditLine *el, void *data) { return el_set(el, EL_CLIENTDATA, data); }
static inline void *convo_el_get_clientdata(EditLine *el) {
    void *data = NULL;
    el_get(el, EL_CLIENTDATA, &data);
    return data;
}
static inline int convo_el_addfn(EditLine *el, const char *name, const char *help, convo_el_function function) {
    return el_set(el, EL_ADDFN, name, help, function);
}
static inline int convo_el_bind(EditLine *el, const char *key, const char *function) {
    return el_set(el, EL_BIND, key, function, NULL);
}
static inline int convo_el_setty(EditLine *el, const char *mode, const char *setting) {
    return el_set(el, EL_SETTY, mode, setting, NULL);
}
static inline int convo_el_set_history(EditLine *el, History *history_) { return el_set(el, EL_HIST, history, history_); }
static inline int convo_el_prepare_terminal(EditLine *el, int raw) { return el_set(el, EL_PREP_TERM, raw); }

static inline int convo_history_setsize(History *h, int size) {
    HistEvent event;
    return history(h, &event, H_SETSIZE, size);
}
static inline int convo_history_setunique(History *h, int on) {
    HistEvent event;
    return history(h, &event, H_SETUNIQUE, on);
}
static inline int convo_history_enter(History *h, const char *line) {
    HistEvent event;
    return history(h, &event, H_ENTER, line);
}
static inline int convo_history_load(History *h, const char *path) {
    HistEvent event;
    return history(h, &event, H_LOAD, path);
}
static inline int convo_history_save_fp(History *h, FILE *file) {
    HistEvent event;
    return history(h, &event, H_SAVE_FP, file);
}
