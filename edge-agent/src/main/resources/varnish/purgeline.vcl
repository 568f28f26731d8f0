vcl 4.1;
#
# purgeline reference VCL for Varnish 7.x with vmod xkey (Debian: varnish, varnish-modules): what the edge agent's
# varnish adapter expects of the cache.
#   PURGE <path?query> with the object's Host    -> removes that object (all its variants)
#   BAN / with Host and X-Purge-Prefix: <path>   -> removes every object on that host whose URL starts with <path>
#   PURGE / with X-Purge-Tag: <tag>              -> removes every object tagged <tag> by its origin, in an `xkey` or
#                                                   `Surrogate-Key` response header (space-separated tags), any host
#   either PURGE with X-Purge-Soft: 1            -> marks the objects stale instead (TTL 0, grace kept): the next
#                                                   request gets the stale copy while Varnish refetches it
#   GET                                          -> cached; X-Cache: HIT | MISS | STALE (a copy past its TTL, served
#                                                   in grace while Varnish refetches it) on every response
# Fill {{BACKEND_HOST}} and {{BACKEND_PORT}} with the origin's address.

import std;
import purge;
import xkey;

backend default {
    .host = "{{BACKEND_HOST}}";
    .port = "{{BACKEND_PORT}}";
}

# Only the agent on this host may invalidate.
acl purgers {
    "127.0.0.0"/8;
    "::1";
}

sub vcl_recv {
    # Set only by this VCL (vcl_hit), never taken from a client.
    unset req.http.X-Purgeline-Stale;
    if (req.method == "PURGE") {
        if (client.ip !~ purgers) {
            return (synth(405, "PURGE is only allowed from this host"));
        }
        if (req.http.X-Purge-Tag) {
            # One tag: xkey would split on spaces and commas and purge other tags too.
            if (req.http.X-Purge-Tag !~ "^[^\s,]+$") {
                return (synth(400, "X-Purge-Tag takes one tag without spaces or commas"));
            }
            if (req.http.X-Purge-Soft == "1") {
                return (synth(200, "Soft-purged " + xkey.softpurge(req.http.X-Purge-Tag) + " tagged objects"));
            }
            return (synth(200, "Purged " + xkey.purge(req.http.X-Purge-Tag) + " tagged objects"));
        }
        if (req.http.X-Purge-Soft == "1") {
            # vmod purge works on the looked-up object: continue in vcl_hit / vcl_miss.
            return (hash);
        }
        return (purge);
    }
    if (req.method == "BAN") {
        if (client.ip !~ purgers) {
            return (synth(405, "BAN is only allowed from this host"));
        }
        # A raw (percent-encoded) path: no spaces, quotes or backslashes can reach the ban expression.
        if (req.http.X-Purge-Prefix !~ "^/[^\s\x22\x5c]*$") {
            return (synth(400, "BAN needs X-Purge-Prefix: a path starting with /"));
        }
        # Ban on headers copied onto the object (see vcl_backend_response) so the ban lurker can evict in the
        # background; the prefix is regex-escaped so that '.', '+', '(' and the like match themselves.
        if (std.ban("obj.http.X-Purgeline-Host == " + req.http.host +
                " && obj.http.X-Purgeline-Url ~ ^" +
                regsuball(req.http.X-Purge-Prefix, "([][\\.^$*+?(){}|])", "\\\1"))) {
            return (synth(200, "Banned"));
        }
        return (synth(400, "ban refused: " + std.ban_error()));
    }
}

# A soft purge of every variant of the URL, whether the lookup found a fresh one (hit) or not (miss).
sub purgeline_soft_purge {
    return (synth(200, "Soft-purged " + purge.soft() + " objects"));
}

sub vcl_hit {
    if (req.method == "PURGE") {
        call purgeline_soft_purge;
    }
    # A copy past its TTL (soft-purged, or expired) is delivered in grace while it is refetched: say so in X-Cache.
    if (obj.ttl <= 0s) {
        set req.http.X-Purgeline-Stale = "1";
    }
}

sub vcl_miss {
    if (req.method == "PURGE") {
        call purgeline_soft_purge;
    }
}

sub vcl_backend_fetch {
    unset bereq.http.X-Purgeline-Stale;
}

sub vcl_backend_response {
    # xkey indexes the xkey header when the object is stored; Surrogate-Key is the same list under its CDN name.
    if (beresp.http.Surrogate-Key && !beresp.http.xkey) {
        set beresp.http.xkey = beresp.http.Surrogate-Key;
    }
    set beresp.http.X-Purgeline-Host = bereq.http.host;
    set beresp.http.X-Purgeline-Url = bereq.url;
    # Objects without caching headers stay for an hour: long enough that only a purge refreshes them.
    if (!beresp.http.Cache-Control && !beresp.http.Expires) {
        set beresp.ttl = 1h;
    }
}

sub vcl_deliver {
    if (req.http.X-Purgeline-Stale) {
        set resp.http.X-Cache = "STALE";
    } else if (obj.hits > 0) {
        set resp.http.X-Cache = "HIT";
    } else {
        set resp.http.X-Cache = "MISS";
    }
    unset resp.http.X-Purgeline-Host;
    unset resp.http.X-Purgeline-Url;
    # Tags are the origin's bookkeeping for this cache, not for browsers.
    unset resp.http.xkey;
    unset resp.http.Surrogate-Key;
}
