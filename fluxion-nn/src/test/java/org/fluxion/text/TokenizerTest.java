package org.fluxion.text;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

class TokenizerTest {
    @Test
    void wordsOfAnyScriptWithInnerApostrophesAndHyphens() {
        Tokenizer t = new Tokenizer(true, Tokenizer.Punctuation.DROP, false);
        assertEquals(List.of("don't", "miss", "this", "well-made", "café", "naïve", "film", "2024", "ελληνικά", "кино"),
                t.tokenize("Don't miss THIS well-made Café, naïve film (2024)! Ελληνικά — кино..."));
        // combining marks stay in the word: e + U+0301
        assertEquals(List.of("cafe\u0301"), t.tokenize("cafe\u0301"));
        // a hyphen or apostrophe at a word's edge is not part of it
        assertEquals(List.of("rock", "n", "roll"), t.tokenize("'rock -n- roll'"));
    }

    @Test
    void punctuationKeptAsOneCharacterTokensAndIdeographsAsWords() {
        Tokenizer t = new Tokenizer(false, Tokenizer.Punctuation.KEEP, false);
        assertEquals(List.of("Great", "!", "Not", "bad", "?", ".", "."), t.tokenize("Great! Not bad?.."));
        assertEquals(List.of("映", "画", "は", "good", "。"), t.tokenize("映画は good。"));
        assertEquals(List.of("a", "$", "5", "😀", "b"), t.tokenize("a $5 😀 b"));
    }

    @Test
    void htmlBreaksAreRemovedBeforeSplitting() {
        assertEquals(List.of("one", ".", "two"), Tokenizer.standard().tokenize("One.<br /><br />Two"));
        assertEquals(List.of("one", "<", "br", "/", ">", "two"),
                new Tokenizer(true, Tokenizer.Punctuation.KEEP, false).tokenize("One<br />two"));
    }
}
