package ttdn.solr;

import java.util.ArrayList;
import java.util.List;
import org.apache.lucene.search.Query;
import org.apache.solr.common.params.SolrParams;
import org.apache.solr.request.SolrQueryRequest;
import org.apache.solr.search.QParser;
import org.apache.solr.search.QParserPlugin;
import org.apache.solr.search.SyntaxError;

/**
 * {@code {!coord n=4 need=3 optional=1}}: a {@link CoordQuery} of the required clauses in
 * params {@code w0..w(n-1)} and the optional ones in {@code o0..}, each in Lucene's syntax
 * (search/solr_engine.py writes them from the parsed query).
 *
 * <pre>&lt;queryParser name="coord" class="ttdn.solr.CoordQParserPlugin"/&gt;</pre>
 */
public class CoordQParserPlugin extends QParserPlugin {
  @Override
  public QParser createParser(String qstr, SolrParams localParams, SolrParams params,
                              SolrQueryRequest req) {
    return new QParser(qstr, localParams, params, req) {
      @Override
      public Query parse() throws SyntaxError {
        int n = Integer.parseInt(required("n"));
        int need = Integer.parseInt(required("need"));
        int optional = Integer.parseInt(getParam("optional") == null ? "0"
            : getParam("optional"));
        return new CoordQuery(clauses("w", n), clauses("o", optional), need);
      }

      private String required(String name) throws SyntaxError {
        String value = getParam(name);
        if (value == null) {
          throw new SyntaxError("coord: the local param " + name + " is missing");
        }
        return value;
      }

      private List<Query> clauses(String prefix, int count) throws SyntaxError {
        List<Query> out = new ArrayList<>();
        for (int i = 0; i < count; i++) {
          String text = required(prefix + i);
          Query q = subQuery(text, "lucene").getQuery();
          if (q == null) {
            throw new SyntaxError("coord: " + prefix + i + " parses to nothing: " + text);
          }
          out.add(q);
        }
        return out;
      }
    };
  }
}
