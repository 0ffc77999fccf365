"""Turkish for the keys of `minilm/ui/i18n.py` (labels and explanations). A missing key shows English."""

TR: dict[str, str] = {
    # page
    "tab_tokens": "Token’lar",
    "tab_windows": "Pencereler",
    "tab_embeddings": "Gömmeler",
    "tab_train": "Eğitim",
    "copy_link": "Bu görünümün bağlantısını kopyala",
    # tokens
    "local_bpe_choice": "BPE · assets/tokenizer.json",
    "local_word_choice": "Kelime düzeyi · assets/tokenizer_word.json",
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
    # windows
    "prompt_source": "Token’lar sekmesindeki metin",
    "corpus_source": "assets/text.txt",
    "tokens_from": "Token kaynağı",
    "your_txt": "Kendi .txt dosyanız (UTF-8)",
    "local_bpe": "yerel BPE",
    "local_word": "yerel kelime düzeyi",
    "keep_tail": "kuyruğu koru (doldurulur; hedefleri loss’ta yok sayılır)",
    "show_mistake": "sık yapılan hatayı göster (y = x)",
    "stream_plot": "token akışı ve pencereleri",
    "stride_plot": "A2: stride’a göre pencereler",
    "download_pairs": "Çiftleri ve token_ids.txt dosyasını indir",
    "format": "biçim",
    "make_files": "Dosyaları oluştur",
    "pairs": "çiftler",
    # embeddings
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
    # train
    "train_source": "Eğitim metni (yerel BPE token’ları)",
    "also_mistake": "y = x hatasını da çalıştır, aynı grafikte",
    "start": "Başlat",
    "stop": "Durdur",
    "blocks": "blok sayısı (0 = tek katmanlı)",
    "width": "genişlik",
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
    # explanations (minilm/ui/prose.py)
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
    "licence": (
        "Gemma, Gemma Kullanım Koşulları (Gemma Terms of Use) kapsamında ve bu koşullara tabi olarak sunulmaktadır: "
        "https://ai.google.dev/gemma/terms"
    ),
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
    "gemma_no_positions": (
        "Gemma’nın eklenecek bir konum gömme tablosu yoktur: konumları attention’ın içinde döner gömmelerle "
        "(rotary embeddings, RoPE) kodlar. Konum gömmeleri nn.Embedding kaynağına eklenebilir."
    ),
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
}
