// Typed entry points for libcurl's variadic setters and getters, which Swift cannot call.
#ifndef BARRELMAN_CCURLSHIM_H
#define BARRELMAN_CCURLSHIM_H

#include <curl/curl.h>
#include <stddef.h>

CURLcode bm_easy_setopt_long(CURL *handle, CURLoption option, long value);
CURLcode bm_easy_setopt_off(CURL *handle, CURLoption option, curl_off_t value);
/// Strings, slists and user-data pointers.
CURLcode bm_easy_setopt_ptr(CURL *handle, CURLoption option, const void *value);
/// A blob that curl copies (CURL_BLOB_COPY), so the caller's buffer need not outlive the call.
CURLcode bm_easy_setopt_blob(CURL *handle, CURLoption option, const void *data, size_t length);
CURLcode bm_easy_setopt_write_function(CURL *handle, curl_write_callback callback);
CURLcode bm_easy_setopt_header_function(CURL *handle, curl_write_callback callback);
CURLcode bm_easy_setopt_xferinfo_function(CURL *handle, curl_xferinfo_callback callback);

CURLcode bm_easy_getinfo_long(CURL *handle, CURLINFO info, long *value);
CURLcode bm_easy_getinfo_ptr(CURL *handle, CURLINFO info, void **value);
CURLcode bm_easy_getinfo_string(CURL *handle, CURLINFO info, const char **value);
CURLcode bm_easy_getinfo_off(CURL *handle, CURLINFO info, curl_off_t *value);

CURLMcode bm_multi_setopt_long(CURLM *handle, CURLMoption option, long value);
/// CURLMOPT_SOCKETDATA, CURLMOPT_TIMERDATA.
CURLMcode bm_multi_setopt_ptr(CURLM *handle, CURLMoption option, void *value);
CURLMcode bm_multi_setopt_socket_function(CURLM *handle, curl_socket_callback callback);
CURLMcode bm_multi_setopt_timer_function(CURLM *handle, curl_multi_timer_callback callback);

// epoll and eventfd for the probe loop's curl_multi_socket_action driver (struct epoll_event is packed on
// x86-64, which Swift cannot lay out).
int bm_epoll_create(void);
/// EPOLL_CTL_ADD if `add`, else EPOLL_CTL_MOD, for `readable`/`writable` interest; 0 or -1 with errno set.
int bm_epoll_watch(int epfd, int fd, int add, int readable, int writable);
int bm_epoll_unwatch(int epfd, int fd);
/// Waits up to `timeout_ms` (-1: forever); fills fds[i] and the CURL_CSELECT_* flags of each ready one.
int bm_epoll_wait(int epfd, int *fds, int *flags, int max, int timeout_ms);
int bm_eventfd_create(void);
/// Names the calling thread (at most 15 bytes show), for top -H and profilers.
void bm_set_thread_name(const char *name);
void bm_eventfd_signal(int fd);
void bm_eventfd_drain(int fd);

#endif
