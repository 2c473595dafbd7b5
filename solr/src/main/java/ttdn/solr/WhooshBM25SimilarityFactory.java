package ttdn.solr;

import org.apache.lucene.index.FieldInvertState;
import org.apache.lucene.search.CollectionStatistics;
import org.apache.lucene.search.Explanation;
import org.apache.lucene.search.TermStatistics;
import org.apache.lucene.search.similarities.BM25Similarity;
import org.apache.lucene.search.similarities.Similarity;
import org.apache.solr.common.params.SolrParams;
import org.apache.solr.schema.SimilarityFactory;

/**
 * BM25 scored as the Whoosh engine scores it (search/schema.py, search/bulk.py), so that both
 * engines rank the same items first: Whoosh's idf, log(N / (n + 1)) + 1, which keeps common
 * words worth about one (Lucene's tends to zero), and Whoosh's field_boost, which multiplies a
 * field's term frequency before BM25 saturates it (title 3, title_f 1.5).
 *
 * <pre>
 * &lt;similarity class="ttdn.solr.WhooshBM25SimilarityFactory"&gt;
 *   &lt;float name="k1"&gt;1.2&lt;/float&gt; &lt;float name="b"&gt;0.0&lt;/float&gt;
 *   &lt;float name="fieldBoost"&gt;3.0&lt;/float&gt;
 * &lt;/similarity&gt;
 * </pre>
 */
public class WhooshBM25SimilarityFactory extends SimilarityFactory {
  private float k1 = 1.2f;
  private float b = 0.75f;
  private float fieldBoost = 1.0f;
  private boolean rawFreq = false;

  @Override
  public void init(SolrParams params) {
    super.init(params);
    k1 = params.getFloat("k1", k1);
    b = params.getFloat("b", b);
    fieldBoost = params.getFloat("fieldBoost", fieldBoost);
    rawFreq = params.getBool("rawFreq", rawFreq);
  }

  @Override
  public Similarity getSimilarity() {
    return rawFreq ? new RawFreqSimilarity() : new WhooshBM25Similarity(k1, b, fieldBoost);
  }

  /**
   * Scores a match by its frequency alone: on a phrase, how often the words stand side by
   * side, which the proximity bonus (search/proximity.py) counts.
   */
  public static final class RawFreqSimilarity extends Similarity {
    @Override
    public long computeNorm(FieldInvertState state) {
      return 1L;
    }

    @Override
    public SimScorer scorer(float boost, CollectionStatistics collectionStats,
                            TermStatistics... termStats) {
      return new SimScorer() {
        @Override
        public float score(float freq, long norm) {
          return boost * freq;
        }
      };
    }
  }

  /** BM25 with Whoosh's idf and a term-frequency multiplier. */
  public static final class WhooshBM25Similarity extends Similarity {
    private final BM25Similarity bm25;
    private final float fieldBoost;

    public WhooshBM25Similarity(float k1, float b, float fieldBoost) {
      this.fieldBoost = fieldBoost;
      this.bm25 = new BM25Similarity(k1, b) {
        @Override
        protected float idf(long docFreq, long docCount) {
          return (float) (Math.log((double) Math.max(docCount, 1) / (docFreq + 1)) + 1.0);
        }
      };
    }

    @Override
    public long computeNorm(FieldInvertState state) {
      return bm25.computeNorm(state);
    }

    @Override
    public SimScorer scorer(float boost, CollectionStatistics collectionStats,
                            TermStatistics... termStats) {
      SimScorer inner = bm25.scorer(boost, collectionStats, termStats);
      if (fieldBoost == 1.0f) {
        return inner;
      }
      final float times = fieldBoost;
      return new SimScorer() {
        @Override
        public float score(float freq, long norm) {
          return inner.score(freq * times, norm);
        }

        @Override
        public Explanation explain(Explanation freq, long norm) {
          Explanation boosted = Explanation.match(freq.getValue().floatValue() * times,
              "freq × field boost " + times, freq);
          return inner.explain(boosted, norm);
        }
      };
    }

    @Override
    public String toString() {
      return "WhooshBM25(" + bm25 + ", fieldBoost=" + fieldBoost + ")";
    }
  }
}
