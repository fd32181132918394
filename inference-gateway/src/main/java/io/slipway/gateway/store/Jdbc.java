package io.slipway.gateway.store;

import io.agroal.api.AgroalDataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.util.Arrays;
import java.util.List;

/**
 * The little JDBC the job store needs: one statement on a pooled connection, or several in one transaction; every
 * {@link SQLException} becomes a {@link StoreException} naming the store (password redacted).
 */
final class Jdbc implements AutoCloseable {

    interface Binder {
        void bind(PreparedStatement statement) throws SQLException;
    }

    interface Reader<T> {
        T read(ResultSet rs) throws SQLException;
    }

    interface Work<T> {
        T run(Connection connection) throws SQLException;
    }

    private final AgroalDataSource dataSource;
    private final String url;

    Jdbc(AgroalDataSource dataSource, String url) {
        this.dataSource = dataSource;
        this.url = url;
    }

    AgroalDataSource dataSource() {
        return dataSource;
    }

    static String redact(String url) {
        return url.replaceAll("(?i)(password=)[^&;]*", "$1***");
    }

    static void bind(PreparedStatement statement, List<Object> args) throws SQLException {
        for (int i = 0; i < args.size(); i++) {
            Object arg = args.get(i);
            if (arg == null) {
                statement.setNull(i + 1, Types.VARCHAR);
            } else if (arg instanceof Long l) {
                statement.setLong(i + 1, l);
            } else if (arg instanceof Integer n) {
                statement.setInt(i + 1, n);
            } else {
                statement.setString(i + 1, arg.toString());
            }
        }
    }

    <T> T query(String sql, Binder binder, Reader<T> reader) {
        try (Connection connection = dataSource.getConnection();
                PreparedStatement statement = connection.prepareStatement(sql)) {
            binder.bind(statement);
            try (ResultSet rs = statement.executeQuery()) {
                return reader.read(rs);
            }
        } catch (SQLException e) {
            throw failure("query jobs", e);
        }
    }

    int update(String sql, Object... args) {
        try (Connection connection = dataSource.getConnection();
                PreparedStatement statement = connection.prepareStatement(sql)) {
            bind(statement, Arrays.asList(args));
            return statement.executeUpdate();
        } catch (SQLException e) {
            throw failure("update jobs", e);
        }
    }

    <T> T inTransaction(Work<T> work) {
        try (Connection connection = dataSource.getConnection()) {
            connection.setAutoCommit(false);
            try {
                T result = work.run(connection);
                connection.commit();
                return result;
            } catch (SQLException | RuntimeException e) {
                connection.rollback();
                throw e;
            } finally {
                connection.setAutoCommit(true);
            }
        } catch (SQLException e) {
            throw failure("update jobs", e);
        }
    }

    boolean isValid() {
        try (Connection connection = dataSource.getConnection()) {
            return connection.isValid(2);
        } catch (SQLException e) {
            return false;
        }
    }

    StoreException failure(String what, Exception e) {
        return new StoreException("job store " + redact(url) + " could not " + what + ": " + e.getMessage(), e);
    }

    @Override
    public void close() {
        dataSource.close();
    }
}
