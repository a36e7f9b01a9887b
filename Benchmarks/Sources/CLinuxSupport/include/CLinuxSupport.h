#include <malloc.h>
#include <signal.h>
#include <stddef.h>
#include <sys/prctl.h>

/// Bytes of heap in use (glibc's mallinfo2 uordblks).
static inline size_t bm_heap_in_use(void) { return mallinfo2().uordblks; }

/// Returns free heap memory to the system, so RSS readings follow what is held.
static inline void bm_malloc_trim(void) { malloc_trim(0); }

/// SIGTERM when the parent dies (prctl is variadic, so Swift cannot call it directly).
static inline void bm_die_with_parent(void) { prctl(PR_SET_PDEATHSIG, SIGTERM); }
