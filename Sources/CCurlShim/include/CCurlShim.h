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

#endif
