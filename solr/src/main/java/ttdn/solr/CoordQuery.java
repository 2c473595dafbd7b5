package ttdn.solr;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import org.apache.lucene.index.LeafReaderContext;
import org.apache.lucene.search.BooleanClause;
import org.apache.lucene.search.DocIdSetIterator;
import org.apache.lucene.search.Explanation;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.Query;
import org.apache.lucene.search.QueryVisitor;
import org.apache.lucene.search.ScoreMode;
import org.apache.lucene.search.Scorer;
import org.apache.lucene.search.Weight;

/**
 * The matches holding at least {@code need} of the required clauses, scored as the Whoosh
 * engine's relaxed plain query (search/relax.py): the sum of the clauses' scores (required and
 * optional) times the share of required clauses the document holds (Lucene's old
 * coordination factor). One pass over the clauses' postings; the same scores as edismax's
 * {@code mm} with {@code boost=div(sum(if(query($w0),1,0),...),n)}, which read every clause
 * twice and evaluated a function per match.
 */
public final class CoordQuery extends Query {
  private final List<Query> required;
  private final List<Query> optional;
  private final int need;

  public CoordQuery(List<Query> required, List<Query> optional, int need) {
    this.required = List.copyOf(required);
    this.optional = List.copyOf(optional);
    this.need = Math.max(1, need);
  }

  @Override
  public Query rewrite(IndexSearcher searcher) throws IOException {
    List<Query> req = new ArrayList<>();
    List<Query> opt = new ArrayList<>();
    boolean changed = false;
    for (Query q : required) {
      Query r = q.rewrite(searcher);
      changed |= r != q;
      req.add(r);
    }
    for (Query q : optional) {
      Query r = q.rewrite(searcher);
      changed |= r != q;
      opt.add(r);
    }
    return changed ? new CoordQuery(req, opt, need) : this;
  }

  @Override
  public void visit(QueryVisitor visitor) {
    QueryVisitor sub = visitor.getSubVisitor(BooleanClause.Occur.SHOULD, this);
    for (Query q : required) {
      q.visit(sub);
    }
    for (Query q : optional) {
      q.visit(sub);
    }
  }

  @Override
  public Weight createWeight(IndexSearcher searcher, ScoreMode scoreMode, float boost)
      throws IOException {
    // No skipping by maximum scores: every match is counted and faceted anyway.
    ScoreMode mode = scoreMode.needsScores() ? ScoreMode.COMPLETE : ScoreMode.COMPLETE_NO_SCORES;
    List<Weight> req = new ArrayList<>();
    for (Query q : required) {
      req.add(searcher.createWeight(q, mode, boost));
    }
    List<Weight> opt = new ArrayList<>();
    if (scoreMode.needsScores()) {
      for (Query q : optional) {
        opt.add(searcher.createWeight(q, mode, boost));
      }
    }
    return new CoordWeight(this, req, opt);
  }

  @Override
  public String toString(String field) {
    StringBuilder out = new StringBuilder("coord(").append(need).append('/')
        .append(required.size()).append(':');
    for (Query q : required) {
      out.append(' ').append(q.toString(field));
    }
    for (Query q : optional) {
      out.append(" ~").append(q.toString(field));
    }
    return out.append(')').toString();
  }

  @Override
  public boolean equals(Object other) {
    if (!sameClassAs(other)) {
      return false;
    }
    CoordQuery that = (CoordQuery) other;
    return need == that.need && required.equals(that.required)
        && optional.equals(that.optional);
  }

  @Override
  public int hashCode() {
    return Objects.hash(classHash(), need, required, optional);
  }

  private final class CoordWeight extends Weight {
    private final List<Weight> required;
    private final List<Weight> optional;

    CoordWeight(Query query, List<Weight> required, List<Weight> optional) {
      super(query);
      this.required = required;
      this.optional = optional;
    }

    @Override
    public Scorer scorer(LeafReaderContext context) throws IOException {
      Scorer[] req = new Scorer[required.size()];
      int present = 0;
      for (int i = 0; i < req.length; i++) {
        req[i] = required.get(i).scorer(context);
        if (req[i] != null) {
          present++;
        }
      }
      if (present < need) {
        return null;
      }
      List<Scorer> opt = new ArrayList<>();
      for (Weight w : optional) {
        Scorer s = w.scorer(context);
        if (s != null) {
          opt.add(s);
        }
      }
      return new CoordScorer(this, req, opt.toArray(new Scorer[0]), need);
    }

    @Override
    public Explanation explain(LeafReaderContext context, int doc) throws IOException {
      Scorer scorer = scorer(context);
      if (scorer != null && scorer.iterator().advance(doc) == doc) {
        return Explanation.match(scorer.score(), "sum of the clauses × share of required "
            + "clauses held (" + ((CoordScorer) scorer).held + "/" + required.size() + ")");
      }
      return Explanation.noMatch("fewer than " + need + " required clauses");
    }

    @Override
    public boolean isCacheable(LeafReaderContext context) {
      return false;
    }
  }

  /** Doc at a time over the required clauses, skipping to where `need` of them can meet. */
  private static final class CoordScorer extends Scorer {
    private final Scorer[] required;  // null where a clause matches nothing in the segment
    private final DocIdSetIterator[] iterators;
    private final Scorer[] optional;
    private final int need;
    private final int n;
    private final int[] positions;  // the iterators' positions, sorted in advance()
    private int doc = -1;
    int held;

    CoordScorer(Weight weight, Scorer[] required, Scorer[] optional, int need) {
      super(weight);
      this.required = required;
      this.optional = optional;
      this.need = need;
      this.n = required.length;
      this.iterators = new DocIdSetIterator[n];
      this.positions = new int[n];
      for (int i = 0; i < n; i++) {
        iterators[i] = required[i] == null ? null : required[i].iterator();
      }
    }

    private final DocIdSetIterator iterator = new DocIdSetIterator() {
      @Override
      public int docID() {
        return doc;
      }

      @Override
      public int nextDoc() throws IOException {
        return advance(doc + 1);
      }

      @Override
      public int advance(int target) throws IOException {
        // A document held by `need` clauses lies at or past the need-th smallest position
        // of the clauses' iterators: those behind it jump there (skip lists), never a doc
        // at a time through postings no match can come from (as Lucene's minimum-should-match
        // scorer does).
        int candidate = target;
        while (true) {
          int live = 0;
          for (DocIdSetIterator it : iterators) {
            if (it == null) {
              continue;
            }
            int at = it.docID();
            if (at < candidate) {
              at = it.advance(candidate);
            }
            positions[live++] = at;  // live >= need: scorer() makes none for fewer clauses
          }
          Arrays.sort(positions, 0, live);
          int min = positions[0];
          int bound = positions[need - 1];
          if (bound == NO_MORE_DOCS) {
            return doc = NO_MORE_DOCS;
          }
          if (bound == min) {
            int count = need;
            while (count < live && positions[count] == min) {
              count++;
            }
            held = count;
            return doc = min;
          }
          candidate = bound;
        }
      }

      @Override
      public long cost() {
        long total = 0;
        for (DocIdSetIterator it : iterators) {
          if (it != null) {
            total += it.cost();
          }
        }
        return total;
      }
    };

    @Override
    public DocIdSetIterator iterator() {
      return iterator;
    }

    @Override
    public int docID() {
      return doc;
    }

    @Override
    public float score() throws IOException {
      // Summed in clause order, as the Boolean query's scorer and Whoosh add them.
      double sum = 0;
      for (int i = 0; i < n; i++) {
        if (iterators[i] != null && iterators[i].docID() == doc) {
          sum += required[i].score();
        }
      }
      for (Scorer s : optional) {
        int at = s.docID();
        if (at < doc) {
          at = s.iterator().advance(doc);
        }
        if (at == doc) {
          sum += s.score();
        }
      }
      return (float) (sum * held / n);
    }

    @Override
    public float getMaxScore(int upTo) {
      return Float.MAX_VALUE;
    }
  }
}
