package io.purgeline.alert;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * The status page: plain HTML rendered on the server from a {@link StatusReport.Status}, and a few lines of script
 * that fetch the page again every {@link #REFRESH} and swap its {@code <main>}, so it stays current without a
 * front-end build. Every row carries an id and a {@code data-state} so that a test (or a person's browser search)
 * finds a node or module directly.
 */
final class StatusPage {
    static final Duration REFRESH = Duration.ofSeconds(2);
    private static final List<String> TASK_STATES = List.of("accepted", "running", "completed", "failed", "expired");

    private StatusPage() {}

    static String render(StatusReport.Status s, String namespace) {
        StringBuilder h = new StringBuilder(16_384);
        h.append("""
                <!DOCTYPE html>
                <html lang="en"><head><meta charset="utf-8">
                <meta name="viewport" content="width=device-width, initial-scale=1">
                <title>purgeline status</title>
                <style>
                body{font:14px/1.4 system-ui,sans-serif;margin:1.5em;color:#222}
                table{border-collapse:collapse;margin:.3em 0 1.2em}
                th,td{border-bottom:1px solid #ddd;padding:.25em .8em;text-align:left;vertical-align:top}
                th{background:#f4f4f4}
                td.n{text-align:right;font-variant-numeric:tabular-nums}
                .bad{color:#b00020;font-weight:600}.good{color:#1b7a2b}.warn{color:#a66300}
                #conn{color:#b00020;font-weight:600}
                h2{margin:.6em 0 .2em;font-size:1.1em}
                </style></head><body>
                <h1>purgeline status</h1>
                <div id="conn"></div>
                """);
        h.append("<main>\n<p>namespace <b>").append(esc(namespace)).append("</b> · as of <span id=\"as-of\">")
                .append(s.at()).append("</span> · refreshes every ").append(REFRESH.toSeconds()).append(" s</p>\n");
        if (!s.errors().isEmpty()) {
            h.append("<ul id=\"errors\">");
            s.errors().forEach((section, error) -> h.append("<li class=\"bad\">").append(esc(section))
                    .append(" unavailable: ").append(esc(error)).append("</li>"));
            h.append("</ul>\n");
        }
        modules(h, s);
        nodes(h, s);
        queues(h, s);
        tasks(h, s);
        alerts(h, s);
        h.append("</main>\n<script>\n")
                .append("setInterval(async () => {\n")
                .append("  try {\n")
                .append("    const r = await fetch(location.pathname, {cache: 'no-store'});\n")
                .append("    if (!r.ok) throw new Error('HTTP ' + r.status);\n")
                .append("    const doc = new DOMParser().parseFromString(await r.text(), 'text/html');\n")
                .append("    document.querySelector('main').replaceWith(doc.querySelector('main'));\n")
                .append("    document.getElementById('conn').textContent = '';\n")
                .append("  } catch (e) {\n")
                .append("    document.getElementById('conn').textContent = 'alert-worker did not answer: ' + e.message;\n")
                .append("  }\n")
                .append("}, ").append(REFRESH.toMillis()).append(");\n</script>\n</body></html>\n");
        return h.toString();
    }

    private static void modules(StringBuilder h, StatusReport.Status s) {
        h.append("<h2>Workers</h2>\n<table id=\"modules\"><tr><th>type</th><th>instance</th><th>last seen</th>"
                + "<th>age</th><th>state</th></tr>\n");
        for (StatusReport.Module m : s.modules()) {
            String state = m.alive() ? "alive" : m.instance() == null ? "no live instance" : "silent";
            h.append("<tr id=\"module-").append(esc(m.module())).append(m.instance() == null ? ""
                    : "-" + esc(m.instance())).append("\" data-state=\"").append(state).append("\"><td>")
                    .append(esc(m.module())).append("</td><td>").append(esc(m.instance() == null ? "—" : m.instance()))
                    .append("</td><td>").append(m.lastSeen() == null ? "—" : m.lastSeen()).append("</td><td class=n>")
                    .append(m.ageMs() == null ? "—" : age(m.ageMs())).append("</td><td class=\"")
                    .append(m.alive() ? "good" : "bad").append("\">").append(state)
                    .append(m.downSince() == null ? "" : " (type down since " + m.downSince() + ")")
                    .append("</td></tr>\n");
        }
        h.append("</table>\n");
    }

    private static void nodes(StringBuilder h, StatusReport.Status s) {
        long off = s.nodes().stream().filter(n -> "offline".equals(n.liveness())).count();
        h.append("<h2>Nodes</h2>\n<p id=\"node-totals\">").append(s.nodesTotal()).append(" registered, ")
                .append(off).append(" offline")
                .append(s.nodesTotal() > s.nodes().size() ? " (first " + s.nodes().size() + " shown, offline first)"
                        : "")
                .append("</p>\n<table id=\"nodes\"><tr><th>node</th><th>state</th><th>tier</th><th>region</th>"
                        + "<th>address</th><th>last heartbeat</th><th>offline since, why</th><th>parked work</th></tr>\n");
        for (StatusReport.Node n : s.nodes()) {
            String css = switch (n.liveness()) {
                case "offline" -> "bad";
                case "online" -> "good";
                default -> "warn";
            };
            h.append("<tr id=\"node-").append(esc(n.nodeId())).append("\" data-state=\"").append(esc(n.liveness()))
                    .append("\"><td>").append(esc(n.nodeId())).append("</td><td class=\"").append(css)
                    .append("\">").append(esc(n.liveness()))
                    .append("online".equals(n.registryState()) ? "" : " (" + esc(n.registryState()) + ")")
                    .append("</td><td class=n>").append(n.tier()).append("</td><td>").append(esc(n.region()))
                    .append("</td><td>").append(esc(n.address())).append("</td><td>")
                    .append(n.lastHeartbeat() == null ? "—" : n.lastHeartbeat()).append("</td><td>")
                    .append(n.offlineSince() == null ? "" : n.offlineSince() + ": " + esc(n.offlineReason()))
                    .append("</td><td class=n>").append(n.parked()).append("</td></tr>\n");
        }
        h.append("</table>\n");
    }

    private static void queues(StringBuilder h, StatusReport.Status s) {
        h.append("<h2>Queues</h2>\n<table id=\"queues\"><tr><th>kind</th><th>name</th><th>queue</th>"
                + "<th>depth</th></tr>\n");
        for (StatusReport.Queue q : s.queues()) {
            boolean bad = "dead".equals(q.group()) && q.depth() > 0;
            h.append("<tr id=\"queue-").append(esc(q.name().replace(' ', '_'))).append("\"><td>")
                    .append(esc(q.group())).append("</td><td>").append(esc(q.name())).append("</td><td>")
                    .append(esc(q.queue())).append("</td><td class=\"n").append(bad ? " bad" : "").append("\">")
                    .append(q.depth()).append("</td></tr>\n");
        }
        h.append("</table>\n");
    }

    private static void tasks(StringBuilder h, StatusReport.Status s) {
        TreeSet<String> states = new TreeSet<>(TASK_STATES);
        s.tasksByCustomer().values().forEach(m -> states.addAll(m.keySet()));
        List<String> columns = new java.util.ArrayList<>(TASK_STATES);
        states.stream().filter(st -> !TASK_STATES.contains(st)).forEach(columns::add);
        h.append("<h2>Tasks by customer and state</h2>\n<table id=\"tasks\"><tr><th>customer (api_id)</th>");
        columns.forEach(c -> h.append("<th>").append(esc(c)).append("</th>"));
        h.append("</tr>\n");
        for (Map.Entry<String, Map<String, Long>> e : s.tasksByCustomer().entrySet()) {
            h.append("<tr id=\"tasks-").append(esc(e.getKey())).append("\"><td>").append(esc(e.getKey()))
                    .append("</td>");
            columns.forEach(c -> h.append("<td class=n>").append(e.getValue().getOrDefault(c, 0L)).append("</td>"));
            h.append("</tr>\n");
        }
        h.append("</table>\n");
    }

    private static void alerts(StringBuilder h, StatusReport.Status s) {
        h.append("<h2>Latest alerts</h2>\n<table id=\"alerts\"><tr><th>received</th><th>severity</th><th>kind</th>"
                + "<th>subject</th><th>message</th><th>from</th></tr>\n");
        for (AlertHistory.Row a : s.alerts()) {
            String css = "critical".equals(a.severity()) ? "bad" : "warning".equals(a.severity()) ? "warn" : "";
            h.append("<tr id=\"alert-").append(a.id()).append("\"><td>").append(a.receivedAt())
                    .append("</td><td class=\"").append(css).append("\">").append(esc(a.severity()))
                    .append("</td><td>").append(esc(a.kind())).append("</td><td>").append(esc(a.subject()))
                    .append("</td><td>").append(esc(a.message())).append(a.notified() ? "" : " <i>(repeat)</i>")
                    .append("</td><td>").append(esc(a.source())).append("</td></tr>\n");
        }
        h.append("</table>\n");
    }

    private static String age(long ms) {
        return ms < 10_000 ? String.format("%.1f s", ms / 1000.0) : Duration.ofMillis(ms).toSeconds() + " s";
    }

    static String esc(String text) {
        if (text == null) {
            return "";
        }
        StringBuilder out = new StringBuilder(text.length());
        for (char c : text.toCharArray()) {
            switch (c) {
                case '<' -> out.append("&lt;");
                case '>' -> out.append("&gt;");
                case '&' -> out.append("&amp;");
                case '"' -> out.append("&quot;");
                case '\'' -> out.append("&#39;");
                default -> out.append(c);
            }
        }
        return out.toString();
    }
}
