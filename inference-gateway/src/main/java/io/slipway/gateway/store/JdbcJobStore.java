package io.slipway.gateway.store;

import io.agroal.api.AgroalDataSource;
import jakarta.enterprise.context.ApplicationScoped;
import java.sql.Connection;
import java.sql.SQLException;

/** {@link JobStore} on a JDBC database (embedded H2 file by default). */
@ApplicationScoped
public class JdbcJobStore implements JobStore {

    private final AgroalDataSource dataSource;

    public JdbcJobStore(AgroalDataSource dataSource) {
        this.dataSource = dataSource;
    }

    @Override
    public boolean isOpen() {
        try (Connection connection = dataSource.getConnection()) {
            return connection.isValid(2);
        } catch (SQLException e) {
            return false;
        }
    }

    @Override
    public String describe() {
        return dataSource.getConfiguration().connectionPoolConfiguration().connectionFactoryConfiguration()
                .jdbcUrl();
    }
}
