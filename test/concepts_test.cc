// Concept groups: the built-in table loads, wordings are found by their analysed
// forms, spelling pairs go both ways, and bad files are refused clearly.
#include <gtest/gtest.h>

#include "concepts.h"

namespace polsearch {
namespace {

std::vector<std::string> forms(const std::string& text, Analyzer& analyzer) {
  std::vector<Token> tokens;
  analyzer.analyze(text, tokens);
  std::vector<std::string> out;
  for (auto& t : tokens) out.push_back(t.form);
  return out;
}

struct Lookup {
  const char* query;
  const char* concept_name;  // "" = no concept
};

class BuiltinConcepts : public ::testing::TestWithParam<Lookup> {};

TEST_P(BuiltinConcepts, FindsTheConceptOfAWording) {
  Analyzer analyzer;
  ConceptTable table = ConceptTable::builtin(analyzer);
  auto found = table.find(forms(GetParam().query, analyzer));
  if (*GetParam().concept_name == 0) {
    EXPECT_TRUE(found.empty()) << GetParam().query;
  } else {
    ASSERT_FALSE(found.empty()) << GetParam().query;
    EXPECT_EQ(found[0]->name, GetParam().concept_name);
  }
}

INSTANTIATE_TEST_SUITE_P(
    Table, BuiltinConcepts,
    ::testing::Values(Lookup{"backstop", "security guarantee"},
                      Lookup{"Security Guarantees", "security guarantee"},
                      Lookup{"Article 5", "collective defence"},
                      Lookup{"article 5", "collective defence"}, Lookup{"ceasefire", "ceasefire"},
                      Lookup{"truce", "ceasefire"}, Lookup{"cessation of hostilities", "ceasefire"},
                      Lookup{"air policing", "patrols"}, Lookup{"embargo", "sanctions"},
                      Lookup{"zebra", ""}, Lookup{"Article 51", ""}),
    [](const auto& info) { return "case" + std::to_string(info.index); });

TEST(Concepts, BuiltinHasDozensOfGroupsAndSpellingPairs) {
  Analyzer analyzer;
  ConceptTable table = ConceptTable::builtin(analyzer);
  EXPECT_GE(table.size(), 20u);
  EXPECT_EQ(table.spelling_variant("defence"), "defense");
  EXPECT_EQ(table.spelling_variant("defense"), "defence");
  EXPECT_EQ(table.spelling_variant("programme"), "program");
  EXPECT_EQ(table.spelling_variant("zebra"), "");
}

TEST(Concepts, BadFilesAreRefusedWithTheirOrigin) {
  Analyzer analyzer;
  for (const char* bad : {"[[concept]]\nname = \"x\"\n", "[[concept]]\nwordings = [\"a\"]\n",
                          "[[concept]]\nname = \"x\"\nwordings = [1]\n",
                          "[spelling]\npairs = [[\"a\"]]\n", "[[concept]\n"}) {
    try {
      ConceptTable::parse(bad, "bad.toml", analyzer);
      ADD_FAILURE() << "accepted: " << bad;
    } catch (const std::runtime_error& e) {
      EXPECT_NE(std::string(e.what()).find("bad.toml"), std::string::npos) << e.what();
    }
  }
}

}  // namespace
}  // namespace polsearch
