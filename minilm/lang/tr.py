"""Every word the app shows, in Turkish, by key: the keys of `minilm/lang/en.py`.

The guide's own terms (see the table in `docs/turkish.md`); a key missing here is a test failure.
"""

TR: dict[str, str] = {
    "tab_tokens": "Token’lar",
    "tab_windows": "Pencereler",
    "tab_embeddings": "Gömmeler",
    "tab_train": "Eğitim",
    "copy_link": "Bu görünümün bağlantısını kopyala",
    "uploaded_choice": "Yüklediğim tokenizer.json",
    "trained_choice": "Eğittiğim BPE",
    "text_label": "Metin (en çok 20,000 karakter)",
    "try": "Deneyin",
    "local_tokenizer": "Yerel tokenizer",
    "add_bos": "Özel token’ları ekle (başa <bos>)",
    "split_special": "Yazılan özel token’ları (<bos>) düz metin olarak oku",
    "own_tokenizer": "Kendi tokenizer’ınız",
    "upload_tokenizer": "Bir tokenizer.json yükleyin",
    "train_on": "Eğitim kaynağı",
    "the_corpus": "derlem (corpus)",
    "my_txt": "kendi .txt dosyam",
    "train_text": "Eğitim metni (.txt, UTF-8, en çok 5 MB)",
    "vocab_size": "Sözlük boyutu",
    "train_bpe": "BPE eğit",
    "gemma3": "Gemma 3",
    "show_code": "Kodu göster",
    "whole_file": "Bütün bir metin dosyasını token’lara çevir (token_ids.txt)",
    "your_txt_or_corpus": "Kendi .txt dosyanız (boşsa: assets/text.txt)",
    "tokenizer": "Tokenizer",
    "make_ids": "token_ids.txt oluştur",
    "prompt_source": "Token’lar sekmesindeki metin",
    "corpus_source": "assets/text.txt",
    "tokens_from": "Token kaynağı",
    "your_txt": "Kendi .txt dosyanız (UTF-8)",
    "keep_tail": "kuyruğu koru (doldurulur; hedefleri loss’ta yok sayılır)",
    "show_mistake": "sık yapılan hatayı göster (y = x)",
    "stream_plot": "token akışı ve pencereleri",
    "stride_plot": "A2: stride’a göre pencereler",
    "download_pairs": "Çiftleri ve token_ids.txt dosyasını indir",
    "format": "biçim",
    "make_files": "Dosyaları oluştur",
    "pairs": "çiftler",
    "hand_made": "elle kurulmuş (rehber 6.1)",
    "random_embedding": "nn.Embedding, eğitilmemiş",
    "gemma_embed": "Gemma 3 embed_tokens",
    "vectors_from": "Vektör kaynağı",
    "sentence_a": "A cümlesi",
    "sentence_b": "B cümlesi (A1: france yerine germany yazın)",
    "hand_table": "Elle kurulmuş vektörler: düzenleyebilirsiniz",
    "tokenize_with": "Kullanılacak tokenizer",
    "rows_for": "nn.Embedding satırları (sözlük boyutu): hangi tokenizer için",
    "dims": "çizilecek üç boyut",
    "pca": "bunun yerine PCA",
    "positions": "konum gömmelerini (position embedding) ekle",
    "lines": "ardışık token’ları çizgiyle birleştir",
    "scatter": "3B görünüm (döndürmek için sürükleyin)",
    "heatmap": "kosinüs benzerliği, tüm boyutlar",
    "neighbours_of": "en yakın komşuları aranan token",
    "neighbours": "komşular (tüm sözlük)",
    "train_source": "Eğitim metni",
    "also_mistake": "y = x hatasını da çalıştır, aynı grafikte",
    "start": "Başlat",
    "stop": "Durdur",
    "n_blocks_label": "blok sayısı (0 = tek katmanlı)",
    "learning_rate": "öğrenme oranı",
    "loss": "kayıp (loss)",
    "continue_this": "devam ettirilecek metin",
    "temperature": "sıcaklık (0 = greedy: hep en olası token)",
    "top_k": "top-k (0 = tümü)",
    "sample": "Metin üret",
    "sample_out": "üretilen metin",
    "embeddings_of": "gömmeleri gösterilecek metin",
    "before_after": "Eğitimden önce ve sonra",
    "embeddings_pca": "token gömmeleri, PCA",
    "context": "bağlam",
    "next_token": "Sonraki token",
    "your_tiny_model": "sizin minik modeliniz",
    "gemma_270m": "Gemma 3 270M",
    "intro": """# minilm
Dil modelleme, bir sonraki token’ı tahmin etmektir: *the capital of france is* → **paris**.
Bir model bir şey tahmin edebilmeden önce metnin sayılara dönüşmesi gerekir. **Token’lar** sekmesiyle başlayın.""",
    "tokens_what": """**Ne görüyorsunuz?** Bir tokenizer metni parçalara (token’lara) böler ve her parçaya sözlüğünden bir id verir.
Solda, bu projenin küçük derlemi (corpus, `assets/text.txt`) üzerinde eğitilmiş bir tokenizer;
sağda Google’ın Gemma 3 tokenizer’ı (262,144 token). Id’sini ve baytlarını görmek için farenizi bir kutucuğun üzerine getirin.
`▁` token’a ait bir boşluğu gösterir; `␣ ↵ ⇥` ise görünür hale getirilmiş boşluk, satır sonu ve sekme karakterleridir.
Koyu kutucuklar özel token’lardır (her dizi `<bos>` ile başlar), kırmızılar `<unk>` token’ıdır (sözlükte olmayan
bir kelime), kesikli çerçeveliler bayt yedeği (byte fallback) token’larıdır (`<0xF0>`: sözlükte olmayan bir karakterin
tek bir UTF-8 baytı). İki id sütunu iki ayrı dil gibidir: bir id, kendi tokenizer’ı olmadan hiçbir şey ifade etmez.""",
    "tokens_mistakes": """**Sık yapılan hatalar.** Tokenizer’ları karıştırmak: 529 id’si Gemma’da "▁of", yerel BPE’de ise başka bir
token’dır; bu yüzden birinin id’lerini ötekinin gömmelerine vermek anlamsız sonuç verir. Kelime düzeyindeki decode’un
metninizi aynen geri vermesini beklemek: boşlukları ve her `<unk>` token’ını kaybeder. İsteme (prompt) `<bos>` yazmak: çoğu tokenizer
bunu beş karakter olarak değil, özel token olarak okur (karşılaştırmak için *yazılan özel token’ları düz metin olarak oku* kutusunu işaretleyin).""",
    "boundaries_help": """**Nerede farklı kesiyorlar?** Metin bir kez, her token’ın ardında bir çizgiyle: gri çizgiler iki
tokenizer’ın da kestiği, mavi çizgiler yalnızca yerel tokenizer’ın, turuncu çizgiler yalnızca Gemma’nın kestiği yerlerdir.""",
    "file_help": """**Rehberin 4. adımı: bütün bir metinden `token_ids.txt` dosyasına.** `assets/text.txt` dosyasını ya da kendi UTF-8 `.txt` dosyanızı
(en çok 20 MB) tek seferde encode edin ve id’leri boşlukla ayrılmış tek bir satır olarak indirin. Aynısı terminalden:
`python -m minilm tokenize assets/text.txt -o token_ids.txt --tokenizer bpe` (ya da `gemma`).""",
    "train_help": """Derlem ya da kendi metniniz üzerinde yeni bir BPE eğitin ve sözlük boyutu değiştikçe bölünmelerin nasıl
değiştiğini izleyin: 260 id sabittir (4 özel token, 256 bayt token’ı), geri kalanı öğrenilmiş birleştirmelerdir (merge).""",
    "licence": "Gemma, Gemma Kullanım Koşulları (Gemma Terms of Use) kapsamında ve bu koşullara tabi olarak sunulmaktadır: https://ai.google.dev/gemma/terms",
    "windows_what": """**Ne görüyorsunuz?** Bir model, token akışının sabit boyutlu pencerelerinden öğrenir. Her pencere
`context_length` token’lık bir `x` girdisi ve bir `y` hedefi verir: aynı token’ların bir sağa kaydırılmış hali;
böylece her konumda hedef *bir sonraki* token’dır. Pencereler her `stride` token’da bir başlar: context_length’e eşit
bir stride akışı boşluksuz ve çakışmasız döşer; daha küçüğü pencereleri çakıştırır (daha çok ama birbiriyle ilişkili örnekler);
daha büyüğü, hiçbir pencerenin görmediği token’ları atlar. Son pencerenin hedefi tam olmalıdır; bu yüzden kısa bir kuyruk atılır
(ya da doldurulur ve eksik hedefleri -100 yapılır; `CrossEntropyLoss` bunları yok sayar).""",
    "windows_mistake": """

**Kırmızıyla gösterilen hata:** `y = x` olduğunda her konumdaki hedef, modelin zaten okumakta olduğu token’dır.
Girdiyi kopyalamak çok kolay olduğu için loss neredeyse sıfıra düşer ve model *sonra* ne geldiğine dair hiçbir şey
öğrenmez. Doğru hedef, bir token kaydırılmış `x`’tir.""",
    "windows_mistakes": """**Sık yapılan hatalar.** Kaydırmayı unutmak (`y = x`). context_length’ten büyük bir stride: aradaki token’lar
(resimde kırmızı) hiç görülmez. Büyük bir metinde 1’lik stride: pencereler çoğalır
(her token için bir tane) ve komşu pencereler neredeyse aynı örnektir. DataLoader’ın uzunluğunu token sayısı
sanmak: o, yığınları (batch) sayar.""",
    "embeddings_what": """**Ne görüyorsunuz?** Bir gömme (embedding), her token id’sine bir vektör verir: çok boyutlu bir uzayda,
modelin ilişkili token’ları birbirine yakın yerleştirebildiği bir nokta. Elle başlayın (rehberdeki kelimeler, *sertlik, parlaklık,
kırmızılık* eksenlerinde), ardından bir `torch.nn.Embedding`: her id için bir satırı olan, ancak eğitimle anlam kazanan
rastgele vektörlerden oluşan bir tablo. Sonra Gemma 3’ün gerçek `embed_tokens` katmanı, doğrudan model dosyasından okunur
(Gemma her satırı √hidden_size ile çarpar). 3B görünüm yüzlerce boyuttan üçünü ya da verinin en çok yayıldığı
üç yönü (PCA) gösterir; yanındaki ısı haritası token’ları
*tüm* boyutlarda karşılaştırır.""",
    "embeddings_mistakes": """**Sık yapılan hatalar.** Bir tokenizer’ın id’lerini başka bir tokenizer’ın gömme tablosuna vermek (id’ler farklı
token’lara karşılık gelir ya da hiç yoktur: *Kullanılacak tokenizer* için Gemma 3’ü, *nn.Embedding satırları* için yerel BPE’yi seçip deneyin).
Eğitilmemiş bir `nn.Embedding` tablosunda anlam aramak: komşuları rastgeledir. Üç eksene güvenmek: 3B’de birbirinden uzak
iki nokta, geri kalan 600 boyutta yakın olabilir; ısı haritası bu yüzden orada.""",
    "gemma_no_positions": "Gemma’nın eklenecek bir konum gömme tablosu yoktur: konumları attention’ın içinde döner gömmelerle (rotary embeddings, RoPE) kodlar. Konum gömmeleri nn.Embedding kaynağına eklenebilir.",
    "train_what": """**Ne görüyorsunuz?** Minik, yalnızca decoder’dan oluşan bir model (token ve konum gömmeleri, birkaç nedensel
(causal) self-attention ve MLP bloğu, bir LM head), Pencereler sekmesindeki pencerelerden bir sonraki token’ı tahmin etmeyi öğrenir:
`CrossEntropyLoss`, AdamW, gradient clipping ve önce ısınan (warmup) sonra kosinüs eğrisiyle azalan bir öğrenme oranıyla.
Eğitimden önce her token eşit olasılıklıdır; bu yüzden loss ln(sözlük boyutu) civarında başlar: noktalı
çizgi. Doğrulama (validation) loss’u, modelin hiç eğitilmediği, ayrılmış bir metin üzerinde ölçülür. Sıfır blok, rehberin
tek katmanlı modelidir: her konum yalnızca kendi token’ını görür; geçilmesi gereken temel çizgi (baseline) budur.""",
    "train_mistake": """**y = x çalıştırması** aynı modeli, hedefler girdilere eşit olacak şekilde eğitir. Eğitim loss’u sıfıra
dalar, çünkü nedensel attention ile cevap, modelin zaten okuduğu token’dır; gerçek görevdeki (*bir sonraki* token’ı tahmin etmek)
doğrulama loss’u ise yükselir ve ürettiği örnekler tek bir token’ı tekrarlar.
Düşük bir eğitim loss’u, ancak hedef doğruysa bir şey ifade eder.""",
    "next_token_what": """**Rehberin 1. bölümü: bir sonraki token.** Bir dil modeli bağlamı okur ve sözlüğündeki her token’a, sırada
ne geleceğine dair bir olasılık verir. Eğittiğiniz minik modeli Gemma 3 270M ile karşılaştırın
(ilk istekte bir kez yüklenir: yaklaşık yarım dakika ve 2.6 GB).""",
    "windows_head": "**{n:,} token → {w:,} pencere → {b:,} yığın** (en çok {bs} pencere).",
    "windows_shape": "`x` ve `y`, `[{rows}, {L}]` boyutlu tensörlerdir (yığın, context_length).",
    "windows_overlap": "Ardışık pencereler {o} token paylaşır (stride {s} < context_length {L}).",
    "windows_gap": "Stride {s} > context_length {L}: pencerelerin arasındaki {g} token hiç görülmez.",
    "windows_skipped": "{k:,} token hiçbir girdide yok (boşluklar ve atılan kuyruk); {t:,} token hiç hedef olmuyor.",
    "windows_padded": "{p} kuyruk penceresi dolduruldu; eksik hedefleri -100.",
    # messages the server fills in ({fields} are str.format fields)
    "tokenizer_bpe": 'Yerel BPE · assets/tokenizer.json',
    "tokenizer_word": 'Yerel kelime düzeyi · assets/tokenizer_word.json',
    "tokenizer_gemma": 'Gemma 3',
    "feature_hardness": 'Sertlik',
    "feature_brightness": 'Parlaklık',
    "feature_redness": 'Kırmızılık',
    "feature_size": 'Büyüklük',
    "run_next_token": 'bir sonraki token (y = x’in 1 sağa kaymış hali)',
    "run_mistake": 'hata (y = x)',
    "train_loss": 'eğitim',
    "val_loss": 'doğrulama',
    "step": 'adım',
    "cross_entropy": 'çapraz entropi loss’u',
    "before": 'önce',
    "after": 'sonra',
    "before_after_title": 'eğitimden önce ve sonra token gömmeleri',
    "hand_title": 'elle kurulmuş vektörler (rehber 6.1)',
    "random_title": '{tokenizer} tokenizer’ı için nn.Embedding({vocab:,}, {dim}), seed {seed}, eğitilmemiş',
    "vocab_title": '{name} · sözlüğünde {n} token',
    "note": 'Not: {notes}',
    "typed_special": "metin bir özel token’ı yazıyor; o token’ın id’sine dönüştü ('yazılan özel token’ları düz metin olarak oku' kutusunu işaretleyin)",
    "loaded_tokenizer": '{name} yüklendi: {n} token.',
    "my_bpe": 'BPE’m ({n} token)',
    "built_bpe": '{name}, {n} karakter üzerinde eğitildi.',
    "token_ids_made": '{file} dosyasından ({chars} karakter) {tokenizer} ile {n} token id’si.',
    "pairs_made": '{n} çift ({total} pencereden) ve {ids} token id’si.',
    "link_ignored": 'Bağlantıdaki şu değerler yok sayıldı: {notes}',
    "choose_token": 'önce bir token seçin',
    "train_first": 'Önce bir model eğitin.',
    "train_for_left": 'Sol sütun için bir model eğitin.',
    "train_status": '**{run}**: adım {step}/{steps} · eğitim loss’u {train} · doğrulama {val} · saniyede {steps_per_s} adım · saniyede {tokens_per_s} token',
    "train_stopped": 'Durduruldu.',
    "train_diverged": '⚠️ Loss NaN ya da sonsuz oldu: {lr} öğrenme oranı bu model için çok yüksek (10 kat küçüğünü deneyin). Eğitim durdu; model bir önceki adımdaki hâlidir.',
    "train_windows": 'Pencereler sekmesinin {source}, {tokenizer}, context_length {context_length}, stride {stride} için gösterdiği {n:,} pencereden 0–{last_train:,} arasındakilerle eğitir; {first_val:,}–{last:,} arasındaki pencereler doğrulama için ayrılır.',
    "train_windows_gap": "Aradaki {skipped} pencere, ayrılanlarla token paylaştığı için dışarıda kalır.",
    "unknown_tokenizer": 'bilinmeyen tokenizer {name!r}: {names} arasından birini seçin',
    "still_loading": '{what} hâlâ yükleniyor ({stage}, şimdiye kadar {seconds} sn); birkaç saniye sonra yeniden deneyin.',
    "load_failed": '{error}',
    "no_file": 'Bir .txt dosyası yükleyin ya da başka bir kaynak seçin.',
    "no_upload": "Henüz yüklenmiş bir tokenizer yok: önce 'Kendi tokenizer’ınız' altında bir tokenizer.json yükleyin.",
    "no_trained": "Henüz eğitilmiş bir tokenizer yok: önce 'Kendi tokenizer’ınız' altında bir BPE eğitin.",
    "not_whole": '{name} bir tam sayı olmalı; gelen: {value}',
    "too_small": '{name} en az {minimum} olmalı; gelen: {value}',
    "too_big": '{name} burada en çok {maximum} olabilir; gelen: {value}',
    "not_in_range": '{name}, {low} değerinden büyük ve en çok {high} olmalı; gelen: {value}',
    "not_choice": '{name} şunlardan biri olmalı: {options}; gelen: {value}',
    "not_flag": '{name} doğru ya da yanlış (true/false) olmalı; gelen: {value}',
    "too_short_padded": 'metinde {n} token var; doldurulmuş bir pencere için bile 2 gerekir',
    "too_short": 'metinde {n} token var; context_length {context_length} için en az {needed} gerekir (x ve y için bir token’lık kaydırma). Daha uzun bir metin ya da daha küçük bir context_length kullanın veya doldurulmuş kuyruğu koruyun.',
    "too_few_windows": '{tokens} token, context_length {context_length} ve stride {stride} ile {n} pencere verir; eğitim için en az {needed} gerekir (eğitilecek pencereler ve ayrılan bir pencere). Daha uzun bir metin, daha küçük bir context_length ya da daha küçük bir stride kullanın.',
    "dim_not_divisible": 'embedding_dim {embedding_dim}, attention head sayısının ({n_heads}) katı olmalı',
    "dims_not_numbers": 'boyutlar 20, 21, 22 gibi üç tam sayı olmalı; gelen: {value}',
    "dims_not_three": 'tam olarak üç boyut seçin; gelen: {n}',
    "dims_not_distinct": 'üç boyut birbirinden farklı olmalı; gelen: {dims}',
    "dim_missing": '{dim}. boyut yok: bu vektörlerin boyutları 0 ile {last} arasında',
    "pca_needs_two": 'PCA için en az iki vektör gerekir',
    "nothing_to_plot": 'çizilecek token yok',
    "hand_not_numbers": '{word!r} kelimesinin özellikleri sayı olmalı',
    "hand_empty": 'tablo boş: bir kelime ve özelliklerini ekleyin',
    "hand_ragged": 'her kelimenin aynı sayıda özelliği olmalı',
    "id_not_in_table": '{tokenizer} tokenizer’ının verdiği {id} id’si {table} içinde yok; tablonun {rows:,} satırı var. Id’ler yalnızca onları üreten tokenizer için bir anlam taşır: gömmeyi aynı tokenizer için kurun (rehberdeki tokenizer uyumsuzluğu hatası).',
}
