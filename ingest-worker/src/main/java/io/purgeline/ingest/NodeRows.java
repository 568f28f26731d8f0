package io.purgeline.ingest;

import io.purgeline.contracts.Node;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.Optional;
import org.jdbi.v3.core.mapper.RowMapper;
import org.jdbi.v3.core.statement.StatementContext;
import org.jdbi.v3.sqlobject.config.RegisterRowMapper;
import org.jdbi.v3.sqlobject.customizer.Bind;
import org.jdbi.v3.sqlobject.customizer.BindMethods;
import org.jdbi.v3.sqlobject.statement.SqlQuery;
import org.jdbi.v3.sqlobject.statement.SqlUpdate;

/** The {@code nodes} table. Times are written in UTC, like every DATETIME in the schema. */
@RegisterRowMapper(NodeRows.NodeMapper.class)
public interface NodeRows {
    @SqlUpdate("""
            INSERT INTO nodes (node_id, address, tier, region, state, created_at, updated_at)
            VALUES (:nodeId, :address, :tier, :region, :state, UTC_TIMESTAMP(3), UTC_TIMESTAMP(3))
            ON DUPLICATE KEY UPDATE address = VALUES(address), tier = VALUES(tier), region = VALUES(region),
                                    state = VALUES(state), updated_at = VALUES(updated_at)""")
    void upsert(@BindMethods Node node);

    @SqlQuery("SELECT node_id, address, tier, region, state FROM nodes ORDER BY node_id")
    List<Node> all();

    @SqlQuery("SELECT node_id, address, tier, region, state FROM nodes WHERE node_id = :nodeId")
    Optional<Node> byId(@Bind("nodeId") String nodeId);

    @SqlUpdate("UPDATE nodes SET state = :state, updated_at = UTC_TIMESTAMP(3) WHERE node_id = :nodeId")
    int setState(@Bind("nodeId") String nodeId, @Bind("state") String state);

    @SqlUpdate("DELETE FROM nodes WHERE node_id = :nodeId")
    int delete(@Bind("nodeId") String nodeId);

    final class NodeMapper implements RowMapper<Node> {
        @Override
        public Node map(ResultSet rs, StatementContext ctx) throws SQLException {
            return new Node(rs.getString("node_id"), rs.getString("address"), rs.getInt("tier"),
                    rs.getString("region"), rs.getString("state"));
        }
    }
}
